"""Readable names of the re-review's audit verbs (added to the audit log's labels when the app is ready)."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "rereview.started": _("Started a re-review round"),
    "rereview.included": _("Entered a re-review round"),
    "rereview.outcome": _("Re-review outcome decided"),
    "rereview.reconsidered": _("Re-review outcome reconsidered after an upheld objection"),
    "rereview.failures_drafted": _("Drafted the notice of the bases that failed the re-review"),
    "rereview.revoked": _("Title revoked after the re-review"),
    "rereview.revocation_issued": _("Issued the revocation document"),
}
