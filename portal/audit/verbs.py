"""Readable names (Chinese through gettext) of the audit log's verbs, for histories and the audit-log screen.

A verb not listed here is shown as it is stored."""

from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    "base.status_changed": _("Changed the status of a base"),
    "base.status_document_downloaded": _("Downloaded a status decision document"),
    "reporting.period_opened": _("Asked the bases for their annual progress reports"),
    "report.saved": _("Saved the annual progress report"),
    "report.evidence_added": _("Added evidence to the annual progress report"),
    "report.evidence_removed": _("Removed evidence from the annual progress report"),
    "report.evidence_downloaded": _("Downloaded evidence of an annual progress report"),
    "report.submitted": _("Submitted the annual progress report"),
    "report.accepted": _("Accepted the annual progress report"),
    "report.returned": _("Returned the annual progress report for revision"),
    "2fa.enrolled": _("Enrolled two-factor sign-in"),
    "2fa.verified": _("Signed in with the second factor"),
    "2fa.reset": _("Reset two-factor sign-in"),
    "2fa.reset_refused": _("Refused: reset of two-factor sign-in"),
    "password_reset.limited": _("Refused: too many password-reset requests"),
    "user.created": _("Created an account"),
    "user.updated": _("Changed an account's name or e-mail"),
    "user.deactivated": _("Deactivated an account"),
    "user.reactivated": _("Reactivated an account"),
    "organization.created": _("Created an organisation"),
    "organization.updated": _("Changed an organisation"),
    "membership.added": _("Granted a role"),
    "membership.removed": _("Removed a role"),
    "membership.refused": _("Refused: change of roles"),
    "workday.saved": _("Saved a working-day override"),
    "workday.deleted": _("Deleted a working-day override"),
    "call.created": _("Created the call"),
    "call.updated": _("Changed the call"),
    "call.opened": _("Opened the call"),
    "call.closed": _("Closed the call"),
    "application.started": _("Started the application"),
    "application.section_saved": _("Saved a section"),
    "application.attachment_added": _("Added an attachment"),
    "application.attachment_removed": _("Removed an attachment"),
    "application.attachment_downloaded": _("Downloaded an attachment"),
    "application.submitted": _("Submitted the application"),
    "application.dossier_exported": _("Exported the dossier"),
    "application.dossier_downloaded": _("Downloaded the dossier"),
    "review.return": _("Returned for revision"),
    "review.approve": _("Passed the preliminary review"),
    "review.reject": _("Not recommended"),
    "coreview.concur": _("Co-review: concurred"),
    "coreview.object": _("Co-review: objected"),
    "recommendation.saved": _("Saved the recommendation"),
    "recommendation.sent": _("Recommended to the province"),
    "recommendation.returned": _("Recommendation returned"),
    "recommendation.letter_downloaded": _("Downloaded the recommendation letter"),
    "formal_check.pass": _("Passed the formal check"),
    "formal_check.return": _("Returned after the formal check"),
    "expert.created": _("Added an expert"),
    "expert.updated": _("Updated an expert"),
    "expert.import": _("Imported experts"),
    "panel.saved": _("Saved a panel"),
    "panel.opinion": _("Recorded the panel opinion"),
    "panel.opinion_refused": _("Refused: panel opinion despite a conflict of interest"),
    "conflicts.detected": _("Detected conflicts of interest"),
    "conflict.confirmed": _("Confirmed a conflict of interest"),
    "conflict.dismissed": _("Dismissed a conflict of interest"),
    "assignment.manual": _("Assigned experts"),
    "assignment.automatic": _("Assigned experts automatically"),
    "assignment.removed": _("Removed an assignment"),
    "assignment.no_conflict_confirmed": _("Expert confirmed no conflict of interest"),
    "rubric.saved": _("Saved the rubric"),
    "sheet.saved": _("Saved a score sheet"),
    "sheet.submitted": _("Submitted a score sheet"),
    "sheet.reopened": _("Reopened a score sheet"),
    "ranking.exported": _("Exported the ranking"),
    "candidates.proposed": _("Proposed as a candidate"),
    "candidates.withdrawn": _("Withdrew the candidate list"),
    "candidates.concur": _("Concurred with the candidate list"),
    "candidates.object": _("Objected to the candidate list"),
    "notice.drafted": _("Drafted the notice"),
    "notice.updated": _("Changed the notice"),
    "notice.published": _("Published the notice"),
    "notice.withdrawn": _("Withdrew the notice"),
    "notice.closed": _("Closed the notice period"),
    "objection.received": _("Received an objection"),
    "objection.registered": _("Registered an objection"),
    "objection.viewed": _("Viewed an objection"),
    "objection.note": _("Noted on an objection"),
    "objection.file_downloaded": _("Downloaded an objection's evidence"),
    "designation.published": _("Published the designation document"),
}


def verb_label(verb: str) -> str:
    label = VERB_LABELS.get(verb)
    return str(label) if label is not None else verb


def verb_choices() -> list[tuple[str, str]]:
    return sorted(((verb, str(label)) for verb, label in VERB_LABELS.items()), key=lambda c: c[0])

VERB_LABELS.update({
    "objection.upheld": _("Objection upheld"),
    "objection.not_upheld": _("Objection not upheld"),
})
