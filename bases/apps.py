from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasesConfig(AppConfig):
    """A designated base after its designation: its status (在册 / 限期整改 / 撤销) and its annual progress
    reports (年度建设进展报告)."""

    name = "bases"
    verbose_name = _("Designated bases")

    def ready(self):
        from bases import panels, rules, workflow_hooks  # noqa: F401 - the permissions and the audiences
        from portal.home.workspaces import register_panel

        register_panel("park", panels.park_panel)
        register_panel("city", panels.city_panel)
        register_panel("province", panels.organiser_panel)
