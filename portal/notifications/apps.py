from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "portal.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from portal.notifications.services import notify_event
        from portal.workflow.steps import set_notifier

        set_notifier(notify_event)  # the audiences of the workflow definitions
