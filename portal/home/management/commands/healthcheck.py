import json

from django.core.management.base import BaseCommand, CommandError

from portal.home.health import health


class Command(BaseCommand):
    help = "Check the database, cache and broker (as /healthz does), without HTTP: for container health checks."

    def handle(self, *args, **options):
        healthy, report = health()
        self.stdout.write(json.dumps(report))
        if not healthy:
            raise CommandError("unhealthy")
