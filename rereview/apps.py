from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReReviewConfig(AppConfig):
    name = "rereview"
    verbose_name = _("Re-review of bases")

    def ready(self):
        from portal.home.workspaces import register_panel
        from rereview import panels

        register_panel("province", panels.organiser_panel)
        register_panel("park", panels.park_panel)

        from portal.audit.verbs import VERB_LABELS
        from rereview.verbs import VERB_LABELS as REREVIEW_VERBS

        VERB_LABELS.update(REREVIEW_VERBS)
