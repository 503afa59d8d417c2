"""The organiser's side: formal check (形式审查), experts (评审专家), panels (专家组), conflicts of
interest (回避), assignments, the rubric (评分标准), score sheets (评分表) and the candidate list."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from applications.models import private_storage, programme_via_call
from portal.background import RenderedFile
from portal.workflow import fsm


class Specialty(models.TextChoices):
    SOFTWARE = "software", _("Software and information services")
    DIGITAL_CONTENT = "digital_content", _("Digital content and creative industries")
    CLOUD = "cloud", _("Cloud computing")
    DATA = "data", _("Big data and data elements")
    AI = "ai", _("Artificial intelligence")
    OUTSOURCING = "outsourcing", _("Service outsourcing")
    ECOMMERCE = "ecommerce", _("Cross-border e-commerce")
    TRADE_POLICY = "trade_policy", _("Trade in services policy")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    FINANCE = "finance", _("Finance and investment")
    STATISTICS = "statistics", _("Statistics")


class FormalCheck(models.Model):
    """形式审查 of a recommended application by the organiser: pass, or return to the unit."""

    class Decision(models.TextChoices):
        PASS = "pass", _("Passed the formal check")
        RETURN = "return", _("Returned to the recommending unit")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="formal_checks")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    # A return sends this one application back to its unit (the rest of the list stays where it is).
    # The unit may re-send it (revised) or a replacement until this deadline, even after the call's
    # recommendation deadline; the re-send closes the return.
    resend_deadline = models.DateTimeField(_("re-send deadline"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("re-sent at"), null=True, blank=True)
    resent_application = models.ForeignKey(
        "applications.Application", verbose_name=_("application re-sent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+")
    resend_letter_number = models.CharField(_("re-send letter number"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("formal check")
        verbose_name_plural = _("formal checks")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_decision_display()}"

    @property
    def is_open_return(self) -> bool:
        return self.decision == self.Decision.RETURN and self.resolved_at is None


class ExpertProfile(models.Model):
    """An expert of the pool. The user holds the expert role; the employer is an organisation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert")
    title = models.CharField(_("professional title"), max_length=60, blank=True)
    employer = models.ForeignKey("accounts.Organization", verbose_name=_("employer"), on_delete=models.PROTECT,
                                 related_name="experts")
    region = models.ForeignKey("accounts.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    specialties = models.JSONField(_("specialties"), default=list)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    declared_relations = models.TextField(
        _("declared relations"), blank=True,
        help_text=_("Organisations the expert has worked for or has interests in, one per line."))
    max_load = models.PositiveSmallIntegerField(_("maximum load per call"), default=20,
                                                validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__full_name", "id"]

    def __str__(self) -> str:
        return self.user.display_name

    @property
    def specialty_labels(self) -> list[str]:
        return [str(Specialty(s).label) for s in self.specialties if s in Specialty.values]

    @property
    def relation_names(self) -> list[str]:
        return [line.strip() for line in self.declared_relations.splitlines() if line.strip()]


class Panel(models.Model):
    """专家组 of a call, with its leader (组长)."""

    call = models.ForeignKey("applications.Call", on_delete=models.CASCADE, related_name="panels")
    name = models.CharField(_("name"), max_length=100)
    leader = models.ForeignKey(ExpertProfile, verbose_name=_("leader"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="led_panels")
    members = models.ManyToManyField(ExpertProfile, verbose_name=_("members"), related_name="panels",
                                     blank=True)

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [models.UniqueConstraint(fields=["call", "name"], name="panel_unique_name")]

    def __str__(self) -> str:
        return self.name


def _conflict_programme(conflict) -> str:
    return programme_via_call(conflict.application)


@fsm.follows("conflict", field="status", programme=_conflict_programme)
class Conflict(models.Model):
    """A conflict of interest between an expert and an application, with its reason. A suggested
    or confirmed conflict blocks assignment; a dismissed one does not, and is not suggested again."""

    class Kind(models.TextChoices):
        EMPLOYER_IS_PARK = "employer_park", _("The expert's employer is the park's management body")
        EMPLOYER_IS_LEADING_ENTERPRISE = "employer_leader", _(
            "The expert's employer is a leading enterprise named in the dossier")
        SAME_CITY = "same_city", _("The expert is based in the park's city")
        DECLARED_RELATION = "declared_relation", _("A relation the expert declared in the profile")
        DECLARED_BY_EXPERT = "declared", _("Declared by the expert before reviewing")

    Status = fsm.states_enum("conflict", "Status")  # from the workflow definitions (workflows/)

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="conflicts")
    kind = models.CharField(_("reason"), max_length=20, choices=Kind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["expert", "application", "kind"], name="conflict_unique_reason")
        ]
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self) -> str:
        return f"{self.expert} × {self.application}: {self.get_kind_display()}"

    @property
    def blocks(self) -> bool:
        return self.status != self.Status.DISMISSED


class Assignment(models.Model):
    """An expert assigned to an application of a call, with the deadline for the score sheet."""

    class Method(models.TextChoices):
        MANUAL = "manual", _("Manual")
        AUTOMATIC = "automatic", _("Automatic")

    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="assignments")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="assignments")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="assignments")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    no_conflict_confirmed_at = models.DateTimeField(_("no conflict confirmed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["expert", "application"], name="assignment_unique_pair")
        ]
        indexes = [models.Index(fields=["call", "expert"]), models.Index(fields=["call", "application"])]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application}"


class RubricCriterion(models.Model):
    """评分标准: one criterion of a call's rubric, with its maximum points and weight."""

    call = models.ForeignKey("applications.Call", on_delete=models.CASCADE, related_name="rubric")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("criterion"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=1,
                                     validators=[MinValueValidator(Decimal("0.5"))])
    weight = models.DecimalField(_("weight"), max_digits=4, decimal_places=2, default=Decimal("1.00"),
                                 validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        ordering = ["call", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "order"], name="rubric_unique_order")]

    def __str__(self) -> str:
        return self.name


def _sheet_programme(sheet) -> str:
    return programme_via_call(sheet.application)


@fsm.follows("score_sheet", field="status", programme=_sheet_programme)
class ScoreSheet(ConcurrentTransitionMixin, models.Model):
    """评分表 of one assignment, on the exact version forwarded. Locked once submitted."""

    Status = fsm.states_enum("score_sheet", "Status")  # from the workflow definitions (workflows/)

    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="sheet")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="score_sheets")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT, related_name="+")
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)
    scores = models.JSONField(_("scores"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2, null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_reason = models.TextField(_("reason for reopening"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.total}"


class PanelOpinion(models.Model):
    """The panel's opinion on an application, recorded by the panel leader."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="panel_opinions")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("panel opinion"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "panel"], name="panel_opinion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.panel}: {self.application}"


@fsm.follows("candidate_list", field="status", programme=programme_via_call)
class CandidateList(ConcurrentTransitionMixin, models.Model):
    """候选名单 proposed by the organiser from the ranking; the co-departments concur."""

    Status = fsm.states_enum("candidate_list", "Status")  # from the workflow definitions (workflows/)

    call = models.OneToOneField("applications.Call", on_delete=models.PROTECT, related_name="candidate_list")
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    count_acknowledged = models.BooleanField(
        _("list size outside the notice's number acknowledged"), default=False)
    missing_sheets_reason = models.TextField(_("decision on missing score sheets"), blank=True)

    class Meta:
        verbose_name = _("candidate list")
        verbose_name_plural = _("candidate lists")

    def __str__(self) -> str:
        return f"{self.call}: {self.get_status_display()}"


class CandidateItem(models.Model):
    candidate_list = models.ForeignKey(CandidateList, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="candidate_items")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    missing_sheets = models.JSONField(
        _("missing score sheets"), default=list, blank=True,
        help_text=_("The experts whose sheets were not submitted when the organiser accepted the candidate."))

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["candidate_list", "application"], name="candidate_unique_app"),
            models.UniqueConstraint(fields=["candidate_list", "rank"], name="candidate_unique_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.application}"


class CandidateConcurrence(models.Model):
    """The provincial 网信办 or 工信厅 concurring with (or objecting to) the proposed list."""

    class Stance(models.TextChoices):
        CONCUR = "concur", _("Concur")
        OBJECT = "object", _("Object")

    candidate_list = models.ForeignKey(CandidateList, on_delete=models.CASCADE, related_name="concurrences")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    opinion = models.TextField(_("opinion"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate_list", "organization"], name="candidate_concurrence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_stance_display()}"


class RankingSnapshot(models.Model):
    """排名结果: the stored ranking of a call, recomputed by a Celery task (debounced) whenever a
    score sheet is submitted or reopened or an application passes the formal check. The ranking page
    reads one page of its rows; ``stale_since`` says that a newer computation is on its way."""

    call = models.OneToOneField("applications.Call", on_delete=models.CASCADE, related_name="ranking_snapshot")
    computed_at = models.DateTimeField(_("computed at"))
    stale_since = models.DateTimeField(null=True, blank=True)
    applications = models.PositiveIntegerField(default=0)
    sheets = models.PositiveIntegerField(default=0)  # submitted score sheets taken into account
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("stored ranking")
        verbose_name_plural = _("stored rankings")

    def __str__(self) -> str:
        return f"{self.call}: {self.computed_at:%Y-%m-%d %H:%M:%S}"


class RankingRow(models.Model):
    """One application's place in a stored ranking, with the aggregates the page shows."""

    snapshot = models.ForeignKey(RankingSnapshot, on_delete=models.CASCADE, related_name="rows")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()  # order on the page, unranked applications last
    rank = models.PositiveIntegerField(null=True, blank=True)
    n = models.PositiveSmallIntegerField(default=0)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    mean = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    median = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    trimmed_mean = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    sd = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    lowest = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    highest = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    range = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    flagged = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "position"], name="ranking_row_unique_position"),
            models.UniqueConstraint(fields=["snapshot", "application"], name="ranking_row_unique_application"),
        ]

    def __str__(self) -> str:
        return f"{self.snapshot}: {self.position}"


class ExpertDraw(models.Model):
    """随机抽取: one automatic assignment of a call, with the seed that reproduces it and the number of
    alternates (备选) kept per application."""

    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="expert_draws")
    seed = models.BigIntegerField(_("seed"))
    alternates_per_application = models.PositiveSmallIntegerField(_("alternates per application"))
    pairs = models.PositiveIntegerField(default=0)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("random draw of experts")
        verbose_name_plural = _("random draws of experts")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.call}: {self.seed}"


class AlternateExpert(models.Model):
    """备选专家: an expert drawn as the n-th alternate of an application, who replaces an assigned
    expert who declines or declares a conflict (the first alternate still free at that moment)."""

    draw = models.ForeignKey(ExpertDraw, on_delete=models.CASCADE, related_name="alternates")
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    used_at = models.DateTimeField(null=True, blank=True)
    replaced = models.ForeignKey(ExpertProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "application", "expert"], name="alternate_unique_expert"),
        ]
        indexes = [models.Index(fields=["application", "position"])]

    def __str__(self) -> str:
        return f"{self.application} · {self.position}: {self.expert}"


class RankingExport(RenderedFile):
    """The ranking workbook (.xlsx) or PDF summary of a call, rendered by a Celery task
    (``portal.background``) and offered for download; rendered again on request when scores change."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        PDF = "pdf", "PDF"

    call = models.ForeignKey("applications.Call", on_delete=models.CASCADE, related_name="ranking_exports")
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.FileField(storage=private_storage, upload_to="private/rankings/", max_length=300, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "format"], name="ranking_export_unique_format")]

    def __str__(self) -> str:
        return f"{self.call} · {self.format}"


class DiscussionPost(models.Model):
    """评审讨论: a message in the thread of one application, for its experts and the organiser (never
    shown to the park or the recommending unit)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="discussion_posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("discussion message")
        verbose_name_plural = _("discussion messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self) -> str:
        return self.text[:40]
