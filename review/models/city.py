"""Preliminary review (初审), co-review (会审) and the recommendation (推荐) of a recommending unit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from applications.models import private_storage, programme_via_call
from portal.workflow import fsm, in_group


class CheckStatus(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    CLARIFY = "clarify", _("Needs clarification")


class PreliminaryReview(models.Model):
    """One decision of the recommending unit on one submitted version. Every round is kept."""

    class Decision(models.TextChoices):
        RETURN = "return", _("Return for revision")
        REJECT = "reject", _("Do not recommend")
        APPROVE = "approve", _("Pass preliminary review")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="preliminary_reviews")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT,
                                related_name="preliminary_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(_("checklist"), default=dict)
    opinion = models.TextField(_("overall opinion"), blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("preliminary review")
        verbose_name_plural = _("preliminary reviews")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["application", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.application} v{self.version.number}: {self.get_decision_display()}"


class CoReview(models.Model):
    """会审: the concurrence or objection of the unit's 网信 or 工信 department on a version."""

    class Stance(models.TextChoices):
        CONCUR = "concur", _("Concur")
        OBJECT = "object", _("Object")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="co_reviews")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT,
                                related_name="co_reviews")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    opinion = models.TextField(_("opinion"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("co-review")
        verbose_name_plural = _("co-reviews")
        constraints = [
            models.UniqueConstraint(fields=["version", "organization"], name="coreview_one_per_department")
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_stance_display()}"


@fsm.follows("recommendation", field="status", programme=programme_via_call)
class Recommendation(ConcurrentTransitionMixin, models.Model):
    """推荐: a recommending unit's ranked list for a call, and the joint letter once sent."""

    Status = fsm.states_enum("recommendation", "Status")  # from the workflow definitions (workflows/)

    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="recommendations")
    region = models.ForeignKey("accounts.Region", on_delete=models.PROTECT, related_name="+",
                               help_text=_("The city (provincial call) or province (national call)."))
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)
    letter_number = models.CharField(_("letter number"), max_length=60, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    return_reason = models.TextField(_("reason for return"), blank=True)
    letter_pdf = models.FileField(storage=private_storage, upload_to="private/letters/", blank=True)
    letter_docx = models.FileField(storage=private_storage, upload_to="private/letters/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["call", "region"], name="recommendation_one_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.call}"

    @property
    def is_locked(self) -> bool:
        return in_group(self, "locked")


class RecommendationItem(models.Model):
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="recommendation_items")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT,
                                related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "application"], name="item_unique_application"),
            models.UniqueConstraint(fields=["recommendation", "rank"], name="item_unique_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.application}"
