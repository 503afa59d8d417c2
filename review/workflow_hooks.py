"""The guards the workflow definitions name (portal.workflow): conditions of a transition."""

from applications.models import Application
from portal.workflow import guard


@guard("review.open_formal_return_if_approved")
def open_formal_return_if_approved(application) -> bool:
    """A unit decides again on an application that passed its preliminary review only when the organiser
    returned it at the formal check (and the return is not resolved yet)."""
    if application.state != Application.State.APPROVED:
        return True
    from review.selectors import open_return_of

    return open_return_of(application) is not None
