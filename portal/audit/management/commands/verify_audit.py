from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portal.audit.chain import verify_chain
from portal.audit.lifecycle import missing_events, registered_models


class Command(BaseCommand):
    help = ("Verify the audit log: --chain walks the hash chain of the whole log and names the first broken link; "
            "app_label.Model PK checks that the log is complete for an object's life (e.g. applications.Application "
            "12).")

    def add_arguments(self, parser):
        parser.add_argument("model", nargs="?", help=f"app_label.Model, one of: {', '.join(registered_models())}")
        parser.add_argument("pk", nargs="?")
        parser.add_argument("--chain", action="store_true", help="verify the hash chain of the whole log")

    def handle(self, *args, model=None, pk=None, chain=False, **options):
        if not chain and not (model and pk):
            raise CommandError("Give --chain, or a model and a primary key.")
        if chain:
            self._chain()
        if model and pk:
            self._object(model, pk)

    def _chain(self):
        report = verify_chain()
        if report.broken:
            self.stdout.write(self.style.ERROR(f"  BROKEN   {report.broken}"))
            self.stdout.write(f"  The chain is intact up to event #{report.head_id} (hash {report.head_hash}).")
            raise CommandError(f"The audit chain is broken at event #{report.broken.event_id}.")
        self.stdout.write(self.style.SUCCESS(
            f"The audit chain is intact: {report.events} events, head #{report.head_id} {report.head_hash}."))

    def _object(self, model, pk):
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
