"""The fund programme's dossier for the applications machinery (``applications.programmes.DossierSpec``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.programmes import DossierSpec
from funds import dossier

FUND = "fund"


def requested_items(application) -> list:
    """The items an application requests, in the guide's order (cached on the instance for the request)."""
    cached = getattr(application, "_fund_items", None)
    if cached is None:
        from funds.models import FundItem

        cached = list(FundItem.objects.filter(requests__application=application).order_by("order", "id"))
        application._fund_items = cached
    return cached


def sections(application):
    return dossier.outline(requested_items(application))


def evidence_categories(application) -> list[str]:
    return dossier.evidence_categories(requested_items(application))


def criteria(application, data: dict):
    return [dossier.criterion(item, data) for item in requested_items(application)]


def check_submission(application, stored_sections):
    """Every requested item reaches its standard and asks no more than its maximum (the service's rule, whoever
    submits); the figures are frozen on the item requests for the reviews and the plan."""
    from funds.models import ItemRequest

    items = requested_items(application)
    if not items:
        raise ValidationError(_("Choose at least one supported item."), code="no_items")
    requests = {r.item_id: r for r in ItemRequest.objects.filter(application=application)}
    errors = []
    for item in items:
        try:
            figures = dossier.check_item(item, stored_sections[item.section_key].data or {})
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        request = requests[item.pk]
        request.metric_value = figures["metric"]
        request.units = figures["units"]
        request.expenditure = figures["expenditure"]
        request.requested_amount = figures["requested"]
        request.maximum_support = figures["support"].maximum
        request.save(update_fields=["metric_value", "units", "expenditure", "requested_amount", "maximum_support"])
    if errors:
        raise ValidationError(errors, code="items")
    return [dossier.criterion(item, stored_sections[item.section_key].data or {}) for item in items]


def after_submission(application, version, user):
    from funds import services

    services.after_submission(application=application, version=version, user=user)


def check_open(call):
    """A fund call opens with its supported items (an enterprise applies for one or more of them)."""
    if not call.fund_items.exists():
        raise ValidationError(_("Add the call's supported items before opening it."), code="no_items")


def can_read_submitted(user, application) -> bool:
    from funds import rules

    return rules.is_district_reviewer_of(user, application) or rules.is_fund_officer_of(user, application)


SPEC = DossierSpec(
    key=FUND, sections=sections, evidence_categories=evidence_categories, criteria=criteria,
    check_submission=check_submission, after_submission=after_submission, can_read_submitted=can_read_submitted,
    check_open=check_open, dossier_title=_("Service-trade Fund Application"), justification_allowed=False,
)
