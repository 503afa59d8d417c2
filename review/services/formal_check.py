"""The province's formal check (形式审查) of recommended applications."""



from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.selectors import latest_version
from portal.workflow import in_group, perform, tell
from review.models import (
    FormalCheck,
    Recommendation,
    RecommendationItem,
)
from review.services._common import _organiser_of, tell_in_words
from review.services.scoring import ranking_changed

# --- formal check --------------------------------------------------------------------------------

@transaction.atomic
def formal_check(*, application: Application, user, decision: str, reason: str = "", resend_deadline=None,
                 request=None) -> FormalCheck:
    """Pass a recommended application, or return this one application to its recommending unit.

    A return leaves the rest of the unit's list where it is; the unit may re-send the application
    (revised) or a replacement until ``resend_deadline`` (review.services.city.resend_after_return)."""
    _organiser_of(user, application.call)
    item = RecommendationItem.objects.filter(
        application=application, recommendation__status=Recommendation.Status.SENT).first()
    # The unit's lock first (the order every quota-changing service follows), then the application.
    if item:
        Recommendation.objects.select_for_update().get(pk=item.recommendation_id)
    application = Application.objects.select_for_update(of=("self",)).select_related("call", "park").get(
        pk=application.pk)
    if not in_group(application, "awaiting_formal_check"):
        raise ValidationError(_("Only recommended applications awaiting the formal check can be checked."),
                              code="state")
    if decision not in FormalCheck.Decision.values:
        raise ValidationError({"decision": _("Choose pass or return.")})
    reason = (reason or "").strip()
    if decision == FormalCheck.Decision.RETURN:
        errors = {}
        if not reason:
            errors["reason"] = _("Give the reason; the recommending unit will read it.")
        if resend_deadline is None:
            errors["resend_deadline"] = _("Set the deadline by which the unit may re-send.")
        elif resend_deadline <= timezone.now():
            errors["resend_deadline"] = _("The re-send deadline must be in the future.")
        if errors:
            raise ValidationError(errors)
    else:
        resend_deadline = None
    check = FormalCheck.objects.create(application=application, version=latest_version(application),
                                       officer=user, decision=decision, reason=reason,
                                       resend_deadline=resend_deadline)
    passed = decision == FormalCheck.Decision.PASS
    move = "pass_formal_check" if passed else "withdraw_recommendation"
    context = {"call": application.call.title, "park": application.park.name, "reason": reason}
    link = reverse("applications:detail", args=[application.pk])
    # The park is told in the words of the event; on a return the unit in those of the return, first.
    perform(application, move, user=user, organization=application.call.organiser, request=request,
            data={"reason": reason, **({"resend_deadline": resend_deadline.isoformat()} if resend_deadline else {})},
            context=context, link=link, notify=passed)
    if passed:
        ranking_changed(application.call)
        return check
    if item:
        item.delete()
        deadline = timezone.localtime(resend_deadline)
        tell_in_words(application, move, "recommending_unit", event="formal_check.return",
                      title=_("An application was returned after the formal check"),
                      body=_("Formal check: %(park)s returned: %(reason)s. You may re-send it (revised) or "
                             "another park until %(deadline)s.")
                      % {"park": application.park.name, "reason": reason,
                         "deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日 {deadline:%H:%M}"},
                      link=reverse("review:recommendation", args=[application.call_id]))
    tell(application, move, only=("park",), context=context, link=link)
    return check
