from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications import panels, workflow_hooks  # noqa: F401 - the audiences the definitions name
        from portal.home.workspaces import register_panel

        register_panel("park", panels.park_panel)
        register_panel("province", panels.province_panel)
        register_panel("home", panels.home_panel)

        from applications.lifecycle import application_events
        from portal.audit import lifecycle

        lifecycle.register("applications.application", application_events)
        from applications import todo
        from portal.home.todo import register_todo

        register_todo("park", todo.park_todos)
