"""The guards and audiences the workflow definitions name (portal.workflow): conditions of a transition, and
who is told of it."""

from applications.models import Application
from portal.workflow import audience, guard


@guard("review.open_formal_return_if_approved")
def open_formal_return_if_approved(application) -> bool:
    """A unit decides again on an application that passed its preliminary review only when the organiser
    returned it at the formal check (and the return is not resolved yet)."""
    if application.state != Application.State.APPROVED:
        return True
    from review.selectors import open_return_of

    return open_return_of(application) is not None


@audience("expert")
def sheet_expert(sheet) -> list:
    """The expert whose score sheet it is."""
    return [sheet.assignment.expert.user]


@audience("co_issuers")
def co_issuers(obj) -> list:
    """The co-reviewers of the call's co-issuing departments (会同单位) of a candidate list."""
    from review.services import co_issuer_users

    return co_issuer_users(obj.call)
