from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasesConfig(AppConfig):
    """A designated base after its designation: its status (在册 / 限期整改 / 撤销) and its annual progress
    reports (年度建设进展报告)."""

    name = "bases"
    verbose_name = _("Designated bases")

    def ready(self):
        from bases import rules  # noqa: F401 - registers the permissions
