"""The bases programme's dossier (seeds 000/001): the guide's fixed outline and the thresholds check."""

from django.utils.translation import gettext_lazy as _

from applications import eligibility
from applications.dossier import SECTIONS
from applications.programmes import BASES, DossierSpec


def _criteria(application, data: dict):
    return eligibility.evaluate(call=application.call, region=application.park.region, data=data)


def _can_read_submitted(user, application) -> bool:
    return False  # the bases readers are rules of their own (applications.rules.can_read_submitted)


def _unused(*args, **kwargs):  # submission checks and notices of the bases live in services.submit_application
    return None


SPEC = DossierSpec(
    key=BASES, sections=lambda application: SECTIONS,
    evidence_categories=lambda application: list(application.call.evidence_categories or []),
    criteria=_criteria, check_submission=_unused, after_submission=_unused,
    can_read_submitted=_can_read_submitted,
    dossier_title=_("Digital Service Export Base Application Dossier"),
)
