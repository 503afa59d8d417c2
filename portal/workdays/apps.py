from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "portal.workdays"
    label = "workdays"
    verbose_name = _("Working days")

    def ready(self):
        from portal.home.workspaces import register_panel
        from portal.workdays import panels

        register_panel("province", panels.calendar_panel)
        register_panel("system", panels.calendar_panel)
