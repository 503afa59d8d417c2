from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("Publicity")

    def ready(self):
        from portal.home.workspaces import register_panel
        from publicity import panels, workflow_hooks  # noqa: F401 - the audiences the workflow definitions name

        register_panel("home", panels.home_panel)
        register_panel("province", panels.organiser_panel)
        register_panel("park", panels.park_timeline_panel)
        register_panel("application", panels.application_timeline_panel)
        register_panel("coreview", panels.countersign_panel)
        from portal.home.todo import register_todo
        from publicity import todo

        register_todo("province", todo.organiser_todos)
