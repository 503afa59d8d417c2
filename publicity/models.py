"""Public notice of the candidate list (公示), objections (异议), designation (发文确定) and the
public directory of designated bases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from applications.models import private_storage, programme_via_call
from portal.crypto import EncryptedTextField, ObjectorDataMixin
from portal.workflow import fsm


@fsm.follows("notice", field="status", programme=programme_via_call)
class Notice(ConcurrentTransitionMixin, models.Model):
    """公示: the candidate list posted for ``call.publicity_days`` working days."""

    Status = fsm.states_enum("notice", "Status")  # from the workflow definitions (workflows/)

    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="notices")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    contact_phone = models.CharField(_("phone for objections"), max_length=40)
    contact_email = models.EmailField(_("email for objections"))
    contact_address = models.CharField(_("postal address for objections"), max_length=200)
    status = FSMField(_("status"), default=Status.DRAFT, choices=Status.choices, protected=True)
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    window_end = models.DateField(_("last day of the notice period"), null=True, blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-publication_date", "-id"]
        indexes = [models.Index(fields=["status", "publication_date"]), models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def current_status(self) -> str:
        """The status decided by time when read: a published notice whose window has ended is closed,
        whether or not the beat task has recorded it yet."""
        from django.utils import timezone

        if self.status == self.Status.PUBLISHED and self.closes_at and timezone.now() > self.closes_at:
            return self.Status.CLOSED
        return self.status

    def get_current_status_display(self) -> str:
        return str(self.Status(self.current_status).label)


class NoticeItem(models.Model):
    """A candidate on the notice, with what the public sees frozen at publication."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="notice_items")
    order = models.PositiveSmallIntegerField(_("order"))
    park_name = models.CharField(_("park"), max_length=200)
    city_name = models.CharField(_("city"), max_length=40)
    removed = models.BooleanField(_("removed after an upheld objection"), default=False)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["notice", "application"], name="notice_item_unique")]

    def __str__(self) -> str:
        return self.park_name


def _programme_via_notice(objection) -> str:
    return programme_via_call(objection.notice)


@fsm.follows("objection", field="status", programme=_programme_via_notice)
class Objection(ObjectorDataMixin, models.Model):
    """异议: filed by a member of the public, with real name and contact details."""

    Status = fsm.states_enum("objection", "Status")  # from the workflow definitions (workflows/)

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")
        # 不予受理: not examined on the merits; decided all the same, and no obstacle to designation.
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    class NotAcceptedReason(models.TextChoices):
        ANONYMOUS = "anonymous", _("Anonymous or without a real name")
        FALSE_IDENTITY = "false_identity", _("False identity")
        OUT_OF_SCOPE = "out_of_scope", _("Outside the scope of the notice")
        DUPLICATE = "duplicate", _("Duplicate of an earlier objection")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online form")
        POST = "post", _("Letter")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        CREDIT_CODE = "credit_code", _("Unified social credit code (organisation)")
        HK_MACAO_PERMIT = "hk_macao_permit", _("Mainland Travel Permit for Hong Kong and Macao Residents")
        TAIWAN_PERMIT = "taiwan_permit", _("Mainland Travel Permit for Taiwan Residents")
        PASSPORT = "passport", _("Passport")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    item = models.ForeignKey(NoticeItem, verbose_name=_("candidate objected to"), on_delete=models.PROTECT,
                             related_name="objections")
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    name = models.CharField(_("real name"), max_length=60)
    organization = models.CharField(_("organisation"), max_length=120, blank=True)
    # Personal data: encrypted at rest, with a keyed hash for limits and look-ups (portal/crypto.py); erased
    # OBJECTOR_DATA_RETENTION_YEARS after the designation (personal_data_purged_at).
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices,
                               default=IdType.RESIDENT_ID)
    id_number = EncryptedTextField(_("ID card number or unified social credit code"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    personal_data_purged_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    postal_address = models.CharField(_("postal address"), max_length=200, blank=True)
    facts = models.TextField(_("facts and reasons"))
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    # A letter: the day of the postmark (the notice period applies to it) and the officer who registered it.
    postmarked_on = models.DateField(_("postmark date"), null=True, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    not_accepted_reason = models.CharField(_("reason for not accepting"), max_length=20,
                                           choices=NotAcceptedReason.choices, blank=True)
    # The receipt (异议受理回执) as first rendered, kept: every later download is the same document.
    receipt_pdf = models.FileField(storage=private_storage, upload_to="private/objections/receipts/", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("written reply"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["notice", "status"])]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def call(self):
        """The call whose notice it objects to: its officers handle it, its wording of the messages is used."""
        return self.notice.call


def objection_file_path(instance, filename: str) -> str:
    return f"private/objections/{instance.objection_id}/{instance.sha256}"


class ObjectionFile(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(storage=private_storage, upload_to=objection_file_path, max_length=300)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class ObjectionNote(models.Model):
    """The officer's investigation notes (internal)."""

    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Designation(models.Model):
    """发文确定: the official document designating the bases of a call, issued jointly: drafted by the
    organiser, countersigned (会签) by each co-issuing department of the call, then published."""

    class Status(models.TextChoices):
        COUNTERSIGNING = "countersigning", _("Awaiting countersignature (会签)")
        PUBLISHED = "published", _("Published")

    call = models.OneToOneField("applications.Call", on_delete=models.PROTECT, related_name="designation")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PUBLISHED)
    document_number = models.CharField(_("document number"), max_length=60)
    document_date = models.DateField(_("document date"))
    title = models.CharField(_("title"), max_length=200)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    document_pdf = models.FileField(storage=private_storage, upload_to="private/designations/", blank=True)
    document_docx = models.FileField(storage=private_storage, upload_to="private/designations/", blank=True)

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


def countersign_scan_path(instance, filename: str) -> str:
    return f"private/designations/{instance.designation_id}/countersign/{instance.scan_sha256}"


class Countersign(models.Model):
    """会签: one co-issuing department's concurrence with the designation document, given in the portal
    by its co-reviewer, or on paper (线下会签) and recorded by the organiser with the scanned document."""

    class Mode(models.TextChoices):
        ONLINE = "online", _("In the portal")
        OFFLINE = "offline", _("On paper (线下会签), recorded by the organiser")

    designation = models.ForeignKey(Designation, on_delete=models.PROTECT, related_name="countersigns")
    organization = models.ForeignKey("accounts.Organization", verbose_name=_("department"),
                                     on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  help_text=_("The co-reviewer who countersigned, or the officer who recorded a "
                                              "paper countersignature."))
    signed_on = models.DateField(_("date countersigned"))
    opinion = models.TextField(_("opinion"), blank=True)
    scan = models.FileField(_("scanned document"), storage=private_storage, upload_to=countersign_scan_path,
                            max_length=300, blank=True)
    scan_name = models.CharField(max_length=200, blank=True)
    scan_kind = models.CharField(max_length=10, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("countersignature")
        verbose_name_plural = _("countersignatures")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["designation", "organization"], name="countersign_once_per_department"),
            models.CheckConstraint(condition=~models.Q(mode="offline") | ~models.Q(scan_sha256=""),
                                   name="offline_countersign_has_scan"),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.get_mode_display()}"


@fsm.follows("designated_base", field="status", programme=lambda base: "bases")  # bases designate only
class DesignatedBase(models.Model):
    """A designated base in the public directory, across calls (and earlier batches).

    A base has a life (seed 001 四(五), seed 000 附件1 四(八)/五): it is 在册 (active) from its designation, may be
    put under 限期整改 (rectification, with a deadline) and may be 撤销 (revoked). ``status`` and
    ``status_deadline`` are the current state; they change only through ``bases.services.change_base_status``,
    which keeps every decision with its document in ``bases.BaseStatusChange``. A revoked base stays listed.
    ``park`` is the park management body that reports for the base; ``organiser`` the department that
    designated it (the designating call's organiser) and decides its status."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")

    Status = fsm.states_enum("designated_base", "Status")  # from the workflow definitions (workflows/)

    designation = models.ForeignKey(Designation, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="bases")
    application = models.OneToOneField("applications.Application", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="designated_base")
    name = models.CharField(_("base"), max_length=200)
    province = models.CharField(_("province"), max_length=40)
    city = models.CharField(_("city"), max_length=40)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    batch = models.CharField(_("batch"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    park = models.ForeignKey("accounts.Organization", verbose_name=_("park management body"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="designated_bases")
    organiser = models.ForeignKey("accounts.Organization", verbose_name=_("designating department"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="designated_bases_organised")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)
    status_deadline = models.DateField(_("rectification deadline"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("designated base")
        verbose_name_plural = _("designated bases")
        ordering = ["-year", "level", "province", "city", "name"]
        indexes = [models.Index(fields=["level", "year"])]

    def __str__(self) -> str:
        return self.name
