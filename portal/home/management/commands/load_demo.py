import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.module_loading import import_string

# Each app's demo loader, in the order the data flows; a later one may use an earlier one's rows.
DEMO_LOADERS = [
    "portal.accounts.demo.load",
    "applications.demo.load",
    "review.demo.load",
    "review.demo.load_expert_stage",
    "publicity.demo.load",
    "publicity.demo.load_open_notice",
    "bases.demo.load",
    "monitoring.demo.load",
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent): organisations, parks, users for every role, calls."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off (never on a production database).")

    def handle(self, *args, force=False, verbosity=1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo refuses to run with DEBUG off: it creates accounts with a shared, "
                "published password. Use --force only on a database that is not production."
            )
        results = {}
        # The demo's notifications stay in the portal: their emails go nowhere, and the task log is quiet,
        # so that what is printed is the short summary below.
        celery_logger = logging.getLogger("celery")
        level = celery_logger.level
        celery_logger.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                for dotted in DEMO_LOADERS:
                    results[dotted] = import_string(dotted)()
        finally:
            celery_logger.setLevel(level)
        if verbosity > 1:
            for dotted, result in results.items():
                self.stdout.write(f"{dotted}: {result}")
        self.stdout.write(self.summary(results.get("publicity.demo.load_open_notice") or {}))
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))

    def summary(self, notice: dict) -> str:
        from django.db.models import Count

        from applications.models import Application, Call
        from portal.accounts.models import Membership, Role

        holders: dict[str, set] = {}
        for membership in Membership.objects.select_related("organization"):
            holders.setdefault(membership.role_label, set()).add(membership.user_id)
        order = {str(label): i for i, (_value, label) in enumerate(Role.choices)}
        lines = ["演示数据 Demo data:"]
        lines.append("  账号 accounts: " + "，".join(
            f"{label} {len(users)}" for label, users in sorted(holders.items(), key=lambda kv: order.get(kv[0], 99))))
        for call in Call.objects.annotate(n=Count("applications")).order_by("park_deadline"):
            lines.append(f"  {call.title}（{call.get_status_display()}）：{call.n} 份申报")
        lines.append(f"  申报合计 applications: {Application.objects.count()}")
        if notice:
            lines.append(f"  公示 notice: {notice.get('notice')} {notice.get('window', notice.get('reason', ''))}"
                         f" — {settings.PORTAL_BASE_URL}/publicity/")
        lines.append(f"  密码 password: README「演示账号 Demo accounts」 · {settings.PORTAL_BASE_URL}")
        return "\n".join(lines)
