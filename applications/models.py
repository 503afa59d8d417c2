"""Calls (申报批次), applications (申报), dossier sections, attachments and submitted versions."""

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from portal.accounts.models import ParkType  # noqa: F401 - the park types live with the organisations
from portal.background import RenderedFile
from portal.versioning import ImmutableModelMixin, StoredFileRecord
from portal.workflow import fsm, in_group, programme_choices, workflow_for


class RegionClass(models.TextChoices):
    """The region classes that select a threshold row (DOMAIN.md §2)."""

    PRD = "prd", _("Pearl River Delta")
    EWN = "ewn", _("Eastern, western and northern Guangdong")
    EAST = "east", _("Eastern region")
    CENTRAL_WEST_NORTHEAST = "cwn", _("Central, western and northeast regions")


class RankingMethod(models.TextChoices):
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop one highest and one lowest from 5 sheets)")
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")


@fsm.follows("call", field="status", programme=lambda call: call.programme)
class Call(ConcurrentTransitionMixin, models.Model):
    """申报批次: everything that differs between rounds, so that each round runs from data."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial")
        NATIONAL = "national", _("National")

    class RecommendingTier(models.TextChoices):
        CITY = "city", _("City (each prefecture-level city)")
        PROVINCE = "province", _("Province (quota per pilot city)")

    # The states and transitions come from the programmes' workflow definitions (workflows/).
    Status = fsm.states_enum("call", "Status")

    programme = models.CharField(
        _("programme"), max_length=20, choices=programme_choices, default="bases",
        help_text=_("The workflow the call follows: its states, transitions and review chain (workflows/)."))
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60)
    issuers = models.TextField(_("issuing departments"), help_text=_("One department per line."))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    organiser = models.ForeignKey(
        "accounts.Organization", verbose_name=_("organiser"), on_delete=models.PROTECT,
        related_name="organised_calls",
    )
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("province"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("The province whose parks may apply; empty for a national call."),
    )
    park_types = models.JSONField(_("park types that may apply"), default=list)
    # The key of the first tier of the call's review chain (its programme's workflow definition decides;
    # save_call stores it): kept for exports and reports that read it.
    recommending_tier = models.CharField(_("recommending tier"), max_length=10, blank=True, editable=False)
    quota_per_unit = models.PositiveSmallIntegerField(
        _("quota per recommending unit"), validators=[MinValueValidator(1)],
        help_text=_("At most this many parks per city (provincial call) or per pilot city (national call)."),
    )
    basic_conditions = models.JSONField(_("basic conditions"), default=list)
    evidence_categories = models.JSONField(_("evidence categories"), default=list)
    park_deadline = models.DateTimeField(_("deadline for parks"))
    recommend_deadline = models.DateTimeField(_("deadline for recommendations"))
    publicity_days = models.PositiveSmallIntegerField(
        _("publicity working days"), default=5, validators=[MinValueValidator(1)]
    )
    co_review_required = models.BooleanField(_("co-review by 网信 and 工信 required"), default=True)
    co_issuers = models.ManyToManyField(
        "accounts.Organization", verbose_name=_("co-issuing departments (会同)"), blank=True,
        related_name="co_issued_calls",
        help_text=_("The departments the organiser acts with (会同), e.g. 省委网信办 and 省工信厅, or 中央网信办 and "
                    "工业和信息化部. Each of them, and only they, concur with the candidate list and countersign "
                    "(会签) the designation document before it is published."),
    )
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"), default=5, validators=[MinValueValidator(1)])
    scoring_deadline = models.DateTimeField(_("deadline for expert scores"), null=True, blank=True)
    ranking_method = models.CharField(_("ranking method"), max_length=12, choices=RankingMethod.choices,
                                      default=RankingMethod.TRIMMED_MEAN)
    score_range_flag = models.DecimalField(
        _("flag applications whose scores range more than"), max_digits=5, decimal_places=1,
        default=Decimal("20.0"), validators=[MinValueValidator(Decimal("0"))])
    candidates_about = models.PositiveSmallIntegerField(
        _("about how many candidates"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("The number the notice states, e.g. 10 for “10个左右” (seed 001 四(二)): a list under 8 or over 12 "
                    "(four fifths to six fifths of it) must be acknowledged by the organiser. Empty: no such number."))
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-park_deadline", "-id"]
        indexes = [models.Index(fields=["status", "park_deadline"])]

    def __str__(self) -> str:
        return self.title

    @property
    def workflow(self):
        """The programme's workflow definition the call follows (workflows/)."""
        return workflow_for(self)

    @property
    def review_chain(self):
        """The tiers that review its applications, the recommending unit first (评审链)."""
        return self.workflow.chain_for(self)

    def states(self, group: str, object_key: str = "application") -> list[str]:
        """The states of a named group of the call's programme (for ``state__in=``), e.g. "reviewable"."""
        return self.workflow.flow(object_key).states_of(group)

    @property
    def recommending_unit(self):
        """The tier that reviews the parks and recommends them (推荐单位): city, province, district…"""
        return self.review_chain[0]

    @property
    def candidates_range(self) -> tuple[int, int] | None:
        """The list sizes "about N" covers without a warning: 8 to 12 for "10个左右"."""
        if not self.candidates_about:
            return None
        n = self.candidates_about
        return (n * 4 + 4) // 5, (n * 6) // 5

    @property
    def park_type_labels(self) -> list[str]:
        return [str(ParkType(t).label) for t in self.park_types if t in ParkType.values]

    @property
    def issuer_list(self) -> list[str]:
        return [line.strip() for line in self.issuers.splitlines() if line.strip()]

    def region_class_for(self, region) -> str:
        """The threshold row that applies to a park in ``region`` (a district, city or province): the call's
        own region class containing the region or a region above it. A call without region classes of
        its own falls back on the regions' built-in classes (珠三角/粤东西北, 东部/中西部和东北)."""
        if region is None:
            return ""
        mapping = self.region_class_map
        if mapping:
            return next((mapping[r.pk] for r in region.ancestors() if r.pk in mapping), "")
        if self.level == self.Level.PROVINCIAL:
            return region.provincial_class if region else ""
        national = region.effective_national_class() if region else ""
        return RegionClass.EAST if national == "east" else RegionClass.CENTRAL_WEST_NORTHEAST

    @cached_property
    def region_class_map(self) -> dict[int, str]:
        """region id → key of this call's region class (one query)."""
        return dict(CallRegionClass.regions.through.objects.filter(callregionclass__call=self)
                    .values_list("region_id", "callregionclass__key"))

    @cached_property
    def region_class_names(self) -> dict[str, str]:
        names = {key: str(label) for key, label in RegionClass.choices}
        names.update(self.region_classes.values_list("key", "name"))
        return names

    @cached_property
    def thresholds_by_class(self) -> dict[str, "Threshold"]:
        return {t.region_class: t for t in self.thresholds.all()}


class CallRegionClass(models.Model):
    """区域类别 of one call: a named set of regions whose parks share one threshold row, e.g. 珠三角 and
    粤东西北 for Guangdong (seed 000), 东部 and 中西部和东北 for the national call (seed 001). Each call
    defines its own; a park belongs to the class of its region or of a region above it."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="region_classes")
    key = models.SlugField(_("key"), max_length=20)
    name = models.CharField(_("name"), max_length=40)
    regions = models.ManyToManyField("accounts.Region", verbose_name=_("regions"), related_name="+")

    class Meta:
        verbose_name = _("region class")
        verbose_name_plural = _("region classes")
        ordering = ["call", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="region_class_unique_key"),
            models.UniqueConstraint(fields=["call", "name"], name="region_class_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Threshold(models.Model):
    """申报业务标准: the business thresholds of one region class, in 亿元 and a count."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="thresholds")
    region_class = models.CharField(_("region class"), max_length=20,
                                    help_text=_("The key of one of the call's region classes."))
    total_output = models.DecimalField(
        _("total output (100 million yuan)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    ict_output = models.DecimalField(
        _("ICT-services output (100 million yuan)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    ict_exports = models.DecimalField(
        _("ICT-services exports (100 million yuan)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    digital_enterprises = models.PositiveIntegerField(_("digital-service enterprises"))

    class Meta:
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [
            models.UniqueConstraint(fields=["call", "region_class"], name="threshold_unique_class")
        ]

    def __str__(self) -> str:
        return f"{self.call} · {self.region_class_name}"

    @property
    def region_class_name(self) -> str:
        return self.call.region_class_names.get(self.region_class, self.region_class)


def _programme_of_call(call_id: int) -> str:
    """The programme of a call, read once per call (it cannot change once parks have applied): list pages
    ask the workflow about many applications whose call is not loaded."""
    programme = _CALL_PROGRAMMES.get(call_id)
    if programme is None:
        programme = Call.objects.filter(pk=call_id).values_list("programme", flat=True).first() or "bases"
        _CALL_PROGRAMMES[call_id] = programme
    return programme


_CALL_PROGRAMMES: dict[int, str] = {}


def _forget_programme(sender, instance, **kwargs) -> None:
    _CALL_PROGRAMMES.pop(instance.pk, None)


def _remember_programme(sender, instance, **kwargs) -> None:
    """A call read from the database tells its programme (a list page has read the call before its rows)."""
    if instance.pk is not None and "programme" in instance.__dict__:
        _CALL_PROGRAMMES[instance.pk] = instance.programme


models.signals.post_init.connect(_remember_programme, sender=Call, dispatch_uid="call-programme-seen")
models.signals.post_save.connect(_forget_programme, sender=Call, dispatch_uid="call-programme-cache")
models.signals.post_delete.connect(_forget_programme, sender=Call, dispatch_uid="call-programme-cache-delete")


def programme_of_call(call_id: int) -> str:
    return _programme_of_call(call_id)


def programme_via_call(obj) -> str:
    """The programme of an object that belongs to a call (application, recommendation, notice)."""
    if obj.call_id is None or type(obj).call.is_cached(obj):
        return obj.call.programme
    return _programme_of_call(obj.call_id)


def _application_programme(application) -> str:
    if application.call_id is None or Application.call.is_cached(application):
        return application.call.programme
    return _programme_of_call(application.call_id)


@fsm.follows("application", field="state", programme=_application_programme)
class Application(ConcurrentTransitionMixin, models.Model):
    """申报: one park's application to one call, over drafts and submitted versions."""

    # The states and transitions come from the programmes' workflow definitions (workflows/).
    State = fsm.states_enum("application")

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT,
                             related_name="applications")
    park = models.ForeignKey("accounts.Organization", verbose_name=_("park"),
                             on_delete=models.PROTECT, related_name="applications")
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    justification = models.TextField(
        _("justification for thresholds not met"), blank=True,
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    latest_version_number = models.PositiveIntegerField(_("latest version"), default=0)
    revision_deadline = models.DateTimeField(
        _("revision deadline"), null=True, blank=True,
        help_text=_("Set when the organiser returned the application at the formal check and the unit sent "
                    "it back for revision: the park may resubmit until then, even after the call's deadline."))

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "park"], name="application_one_per_park_and_call",
                violation_error_message=_("This park already has an application for this call."),
            )
        ]
        indexes = [models.Index(fields=["call", "state"])]

    def __str__(self) -> str:
        return f"{self.park} · {self.call}"

    @property
    def submission_deadline(self):
        """The call's deadline for parks, or later when the application was returned at the formal
        check and sent back for revision (until the organiser's re-send deadline)."""
        deadline = self.call.park_deadline
        if self.revision_deadline and self.revision_deadline > deadline:
            return self.revision_deadline
        return deadline

    @property
    def is_editable(self) -> bool:
        return in_group(self, "editable")


class DossierSection(models.Model):
    """One section of the dossier being edited. ``data`` is the last valid save; ``draft`` is what
    was typed and saved automatically but not yet validated, so that closing the browser loses
    nothing. ``revision`` detects two people editing the same section."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("section"), max_length=20)
    data = models.JSONField(default=dict, blank=True)
    draft = models.JSONField(null=True, blank=True)
    complete = models.BooleanField(default=False)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dossier section")
        verbose_name_plural = _("dossier sections")
        constraints = [
            models.UniqueConstraint(fields=["application", "key"], name="section_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.key}"


def private_storage() -> Storage:
    """Private files: STORAGES["default"] (MEDIA_ROOT, or the private bucket of the object storage). No URL serves
    them: views that check permission do (portal.files.private_file_response). The lazy default storage follows
    the settings, so a test that switches STORAGES switches every file field."""
    return default_storage


def attachment_path(instance, filename: str) -> str:
    # The stored name never comes from the user: no path traversal, no clashes.
    return f"private/applications/{instance.application_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(StoredFileRecord):
    """证明材料: an evidence file. Files are never deleted while a version refers to them."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    category = models.CharField(_("evidence category"), max_length=100)
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=300)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["category", "uploaded_at", "id"]
        indexes = [models.Index(fields=["application", "removed_at"])]


class ApplicationVersion(ImmutableModelMixin, models.Model):
    """A submitted, immutable, numbered version: every field, the attachments with their SHA-256,
    the eligibility as computed at submission, and the justification."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("dossier"))
    attachments = models.JSONField(_("attachments"), default=list)
    eligibility = models.JSONField(_("eligibility"), default=list)
    misses = models.PositiveSmallIntegerField(_("criteria not met"), default=0)
    justification = models.TextField(_("justification"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.application} · v{self.number}"


class DossierExport(RenderedFile):
    """A rendered Word or PDF dossier of one version, produced by a Celery task and kept
    (``portal.background``: status, progress, error, time)."""

    class Format(models.TextChoices):
        DOCX = "docx", "Word"
        PDF = "pdf", "PDF"

    version = models.ForeignKey(ApplicationVersion, on_delete=models.PROTECT, related_name="exports")
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.FileField(storage=private_storage, upload_to="private/exports/", max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "format"], name="export_unique_format")
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.format}"


def call_document_path(instance, filename: str) -> str:
    return f"private/calls/{instance.call_id}/{instance.sha256}"


class CallDocument(models.Model):
    """A document of the call that parks download from its page: the notice (申报通知), the dossier
    guide (编制指南), a template."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice of the call")
        GUIDE = "guide", _("Dossier guide (编制指南)")
        OTHER = "other", _("Other document")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(storage=private_storage, upload_to=call_document_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    file_kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("call document")
        verbose_name_plural = _("call documents")
        ordering = ["kind", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title
