import json

from django.core.management.base import BaseCommand, CommandError

from portal.home.health import check_beat, health


class Command(BaseCommand):
    help = ("Check the database, cache and broker (as /healthz does), without HTTP: for container health checks. "
            "--beat checks Celery beat's heartbeat instead (the beat container's check).")

    def add_arguments(self, parser):
        parser.add_argument("--beat", action="store_true", help="fail when beat's heartbeat is stale")

    def handle(self, *args, **options):
        if options["beat"]:
            ok, detail = check_beat()
            self.stdout.write(json.dumps({"beat": {"ok": ok, "detail": detail}}))
            if not ok:
                raise CommandError("beat heartbeat is stale")
            return
        healthy, report = health()
        self.stdout.write(json.dumps(report))
        if not healthy:
            raise CommandError("unhealthy")
