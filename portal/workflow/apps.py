from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Keep it last in INSTALLED_APPS: it checks the definitions against the permissions, guards and
    audiences the other apps register when they are ready."""

    name = "portal.workflow"
    label = "workflow"
    verbose_name = "Workflow"

    def ready(self):
        from portal.audit import lifecycle
        from portal.workflow import audit, checks, registry

        checks.validate_all()
        for model in registry.bound_models():
            lifecycle.register(model._meta.label_lower, audit.state_events)
