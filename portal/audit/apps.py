from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "portal.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        from portal import checks  # noqa: F401 - registers the deploy checks
        from portal.audit.services import record_event
        from portal.workflow.steps import set_recorder

        set_recorder(record_event)  # the audit verbs of the workflow definitions
