"""Public notice of the candidate list (公示), objections (异议), designation (发文确定) and the
public directory of designated bases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from applications.models import private_storage


class Notice(ConcurrentTransitionMixin, models.Model):
    """公示: the candidate list posted for ``call.publicity_days`` working days."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Under public notice")
        CLOSED = "closed", _("Notice period ended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

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

    @transition(field=status, source=Status.DRAFT, target=Status.PUBLISHED)
    def publish(self):
        pass

    @transition(field=status, source=Status.PUBLISHED, target=Status.CLOSED)
    def close(self):
        pass

    @transition(field=status, source=[Status.PUBLISHED, Status.CLOSED], target=Status.WITHDRAWN)
    def withdraw(self):
        pass

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


class Objection(models.Model):
    """异议: filed by a member of the public, with real name and contact details."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        REGISTERED = "registered", _("Registered, under investigation")
        DECIDED = "decided", _("Decided")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    item = models.ForeignKey(NoticeItem, verbose_name=_("candidate objected to"), on_delete=models.PROTECT,
                             related_name="objections")
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    name = models.CharField(_("real name"), max_length=60)
    organization = models.CharField(_("organisation"), max_length=120, blank=True)
    id_number = models.CharField(_("ID card number or unified social credit code"), max_length=18)
    phone = models.CharField(_("mobile phone"), max_length=20)
    email = models.EmailField(_("email"))
    facts = models.TextField(_("facts and reasons"))
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
    """发文确定: the official document designating the bases of a call."""

    call = models.OneToOneField("applications.Call", on_delete=models.PROTECT, related_name="designation")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="+")
    document_number = models.CharField(_("document number"), max_length=60)
    document_date = models.DateField(_("document date"))
    title = models.CharField(_("title"), max_length=200)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)
    document_pdf = models.FileField(storage=private_storage, upload_to="private/designations/", blank=True)
    document_docx = models.FileField(storage=private_storage, upload_to="private/designations/", blank=True)

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")

    def __str__(self) -> str:
        return self.title


class DesignatedBase(models.Model):
    """A designated base in the public directory, across calls (and earlier batches)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")

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

    class Meta:
        verbose_name = _("designated base")
        verbose_name_plural = _("designated bases")
        ordering = ["-year", "level", "province", "city", "name"]
        indexes = [models.Index(fields=["level", "year"])]

    def __str__(self) -> str:
        return self.name
