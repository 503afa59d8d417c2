from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        from portal.home.workspaces import register_panel
        from review import panels, workflow_hooks  # noqa: F401 - the guards the workflow definitions name

        register_panel("city", panels.unit_panel)
        register_panel("province", panels.organiser_panel)
        register_panel("province", panels.unit_panel)  # the province recommends in a national call
        register_panel("coreview", panels.coreview_panel)
        register_panel("application", panels.application_panel)
        register_panel("expert", panels.expert_panel)
        register_panel("coreview", panels.candidate_panel)

        from portal.audit import lifecycle
        from review.lifecycle import review_events

        lifecycle.register("applications.application", review_events)
        from portal.home.todo import register_todo
        from review import todo

        register_todo("city", todo.unit_todos)
        register_todo("province", todo.organiser_todos)
        register_todo("province", todo.unit_todos)
        register_todo("coreview", todo.coreview_todos)
        register_todo("expert", todo.expert_todos)
