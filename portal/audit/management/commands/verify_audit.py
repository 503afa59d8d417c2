from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portal.audit.lifecycle import missing_events, registered_models


class Command(BaseCommand):
    help = "Verify that the audit log is complete for an object's life, e.g. applications.Application 12."

    def add_arguments(self, parser):
        parser.add_argument("model", help=f"app_label.Model, one of: {', '.join(registered_models())}")
        parser.add_argument("pk")

    def handle(self, *args, model, pk, **options):
        try:
            obj = apps.get_model(model).objects.get(pk=pk)
        except (LookupError, ValueError) as exc:
            raise CommandError(f"Unknown model {model!r}.") from exc
        except Exception as exc:  # noqa: BLE001 - DoesNotExist of whichever model
            raise CommandError(f"{model} {pk} does not exist.") from exc
        found, missing = missing_events(obj)
        for verb, data in found:
            self.stdout.write(f"  ok       {verb} {data or ''}")
        for verb, data in missing:
            self.stdout.write(self.style.ERROR(f"  MISSING  {verb} {data or ''}"))
        if missing:
            raise CommandError(f"The audit log of {obj} lacks {len(missing)} event(s).")
        self.stdout.write(self.style.SUCCESS(f"The audit log of {obj} is complete ({len(found)} events)."))
