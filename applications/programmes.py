"""What the dossier machinery asks of a programme (申报项目类型).

The machinery of applications (sections with autosave and drafts, attachments, immutable versions, the
version comparison, the Word and PDF volume) is one; what it holds differs per programme. The bases
programme (seeds 000/001) has one fixed outline (``applications.dossier.SECTIONS``) and the eligibility
check of the four thresholds; the service-trade fund programme (seed 004) builds its outline from the
supported items an enterprise chose and checks each item's thresholds and caps.

A programme's app registers its ``DossierSpec`` here (in its AppConfig.ready), so that applications imports
none of them: ``spec_for(application)`` answers by the call's ``programme``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

BASES = "bases"


@dataclass(frozen=True)
class DossierSpec:
    key: str
    sections: Callable  # (application) -> tuple[Section, ...]
    evidence_categories: Callable  # (application) -> list[str]
    criteria: Callable  # (application, merged_data) -> list[eligibility.Criterion]
    # (application, sections) -> None; raises ValidationError to refuse a submission (the rules of the
    # programme, e.g. an item below its threshold); returns the criteria to freeze in the version.
    check_submission: Callable
    # (application, version, user) -> None: who is told of a submission (inside the transaction).
    after_submission: Callable
    # (user, application) -> bool: who, beyond the applicant, reads the submitted versions.
    can_read_submitted: Callable
    # (call) -> None; raises ValidationError when the call cannot open yet (the fund: without supported items).
    # The bases' thresholds are checked by applications.services.open_call itself.
    check_open: Callable = lambda call: None
    dossier_title: str = ""
    justification_allowed: bool = True
    extra: dict = field(default_factory=dict)


SPECS: dict[str, DossierSpec] = {}


def register(spec: DossierSpec) -> None:
    SPECS[spec.key] = spec


def programme_of(call) -> str:
    return getattr(call, "programme", "") or BASES


def spec_for_call(call) -> DossierSpec:
    return SPECS[programme_of(call)]


def spec_for(application) -> DossierSpec:
    return spec_for_call(application.call)


def is_bases(call) -> bool:
    return programme_of(call) == BASES
