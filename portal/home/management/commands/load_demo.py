from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

# Each app's demo loader, in the order the data flows; a later one may use an earlier one's rows.
DEMO_LOADERS = [
    "portal.accounts.demo.load",
    "applications.demo.load",
    "review.demo.load",
    "review.demo.load_expert_stage",
    "publicity.demo.load",
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent): organisations, parks, users for every role, calls."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off (never on a production database).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: it creates accounts with a shared, "
                "published password. Use --force only on a database that is not production."
            )
        for dotted in DEMO_LOADERS:
            result = import_string(dotted)()
            self.stdout.write(f"{dotted}: {result}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
