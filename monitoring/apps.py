from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Statistics monitoring")

    def ready(self):
        from monitoring import panels
        from portal.home.workspaces import register_panel

        register_panel("province", panels.dashboard_panel)
        register_panel("city", panels.dashboard_panel)
        register_panel("park", panels.base_panel)
