"""The service-trade fund (专项资金) of a call: its supported items (支持事项) with thresholds and caps, the items
an enterprise's application requests, the funding plan (专项资金安排计划), the objections to it and the city
government's approval (市政府审批).

An enterprise's application is an ``applications.Application`` of a call whose programme is the fund: its
dossier sections, attachments, versions and exports are the applications app's. What the fund adds hangs on
it: one ``ItemRequest`` per supported item it asks for.

Amounts of support are in yuan (元) with two decimals, shown in 万元; business figures in the unit the item
names (万美元 for amounts in US dollars, persons for the training item), as the guide states them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from applications.models import private_storage
from portal.crypto import EncryptedTextField, ObjectorDataMixin
from portal.workflow import fsm
from publicity.models import Objection as PublicObjection

ID_TYPES = PublicObjection.IdType.choices  # the identity documents the public objection forms accept


def _money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2,
                               validators=[MinValueValidator(Decimal("0"))], **kwargs)


class FundItem(models.Model):
    """支持事项: one supported item of a fund call, e.g. "（二）服务外包业绩 2. 离岸业务支持" (seed 004 三).

    The maximum support (``funds.rules_support.maximum_support``) is computed from the data alone:
    ``tiers`` [[minimum, cap], …] over the item's business figure (the highest tier reached gives the cap; a
    ``strict`` minimum must be exceeded, "超过", otherwise reached, "以上（含）"); without tiers the flat ``cap``.
    ``per_unit``: the cap is per project / person / certification, times the number (at most ``max_units``),
    then at most ``total_cap``. ``expenditure_ratio``: at most that share of the expenditure (国际认证 50%,
    公共服务中心 80%). Always at most the actual expenditure (六(二) "不得超过项目实际开销")."""

    call = models.ForeignKey("applications.Call", on_delete=models.CASCADE, related_name="fund_items")
    code = models.SlugField(_("code"), max_length=16)
    number = models.CharField(_("number in the guide"), max_length=20, help_text=_("e.g. （二）2"))
    name = models.CharField(_("name"), max_length=100)
    item_type = models.SlugField(
        _("item type"), max_length=16,
        help_text=_("Items of one type cannot be requested twice by an enterprise (同一类型项目不可重复申报)."))
    standard = models.TextField(_("support standard"), help_text=_("The guide's wording."))
    metric_label = models.CharField(_("business figure"), max_length=100, blank=True)
    metric_unit = models.CharField(_("unit of the business figure"), max_length=20, blank=True)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    strict = models.BooleanField(_("the minimum must be exceeded"), default=False)
    cap = _money(_("cap (yuan)"), null=True, blank=True)
    per_unit = models.CharField(_("cap per"), max_length=20, blank=True, help_text=_("e.g. project, person"))
    max_units = models.PositiveSmallIntegerField(_("at most units"), null=True, blank=True)
    total_cap = _money(_("cap in all (yuan)"), null=True, blank=True)
    expenditure_ratio = models.DecimalField(_("share of the expenditure"), max_digits=4, decimal_places=2,
                                            null=True, blank=True)
    prerequisite = models.CharField(_("prerequisite"), max_length=200, blank=True)
    materials = models.JSONField(_("application materials"), default=list)
    rows = models.CharField(_("table of the item"), max_length=20, blank=True,
                            help_text=_("A table the form asks for, e.g. outsourcing contracts."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("supported item")
        verbose_name_plural = _("supported items")
        ordering = ["call", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "code"], name="fund_item_unique_code")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def section_key(self) -> str:
        return f"item-{self.code}"[:20]


@fsm.follows("item_request", field="status", programme=lambda item_request: "fund")  # a fund programme object
class ItemRequest(models.Model):
    """申报项目: one supported item an application asks for, with what the reviews decided about it."""

    Status = fsm.states_enum("item_request", "Status")  # from the workflow definitions (workflows/)

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE,
                                    related_name="item_requests")
    item = models.ForeignKey(FundItem, on_delete=models.PROTECT, related_name="requests")
    item_type = models.SlugField(_("item type"), max_length=16)
    # Frozen at submission from the item's section (the dossier is the source; these are for lists and plans).
    metric_value = models.DecimalField(_("business figure"), max_digits=14, decimal_places=2, null=True, blank=True)
    units = models.PositiveSmallIntegerField(_("units"), null=True, blank=True)
    expenditure = _money(_("actual expenditure (yuan)"), null=True, blank=True)
    requested_amount = _money(_("support requested (yuan)"), null=True, blank=True)
    maximum_support = _money(_("maximum support (yuan)"), null=True, blank=True)
    score = models.DecimalField(_("review score"), max_digits=5, decimal_places=1, null=True, blank=True)
    approved_amount = _money(_("support proposed (yuan)"), null=True, blank=True)
    city_opinion = models.TextField(_("city opinion"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    cancelled_reason = models.TextField(_("reason for cancellation"), blank=True)

    class Meta:
        verbose_name = _("item request")
        verbose_name_plural = _("item requests")
        ordering = ["application", "item__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item_type"], name="item_request_one_per_type",
                                    violation_error_message=_("This type of item is already requested.")),
        ]

    def __str__(self) -> str:
        return f"{self.application.park} · {self.item.name}"


class FundReview(models.Model):
    """One tier's review of an application (初审 by the district, 评审 by the city), on the version it saw."""

    class Tier(models.TextChoices):
        DISTRICT = "district", _("District preliminary review")
        CITY = "city", _("City review")

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT,
                                    related_name="fund_reviews")
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    version_number = models.PositiveIntegerField(_("version"))
    decision = models.CharField(_("decision"), max_length=30)
    opinion = models.TextField(_("opinion"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fund review")
        verbose_name_plural = _("fund reviews")
        ordering = ["application", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_tier_display()}"


@fsm.follows("fund_plan", field="state", programme=lambda plan: plan.call.programme)
class FundPlan(ConcurrentTransitionMixin, models.Model):
    """专项资金安排计划: the city bureau's funding plan of a call, posted for public notice (公示), approved by the
    city government (市政府审批) and issued (下达). Its states and transitions are the programme's definition's
    (workflows/fund.py)."""

    State = fsm.states_enum("fund_plan")

    call = models.OneToOneField("applications.Call", on_delete=models.PROTECT, related_name="fund_plan")
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    title = models.CharField(_("title"), max_length=200)
    publicity_start = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_end = models.DateField(_("publicity until"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    document_date = models.DateField(_("date of the document"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("funding plan")
        verbose_name_plural = _("funding plans")

    def __str__(self) -> str:
        return self.title


class PlanObjection(ObjectorDataMixin, models.Model):
    """异议: an objection to one item of the plan during the notice, received in writing (recorded by the city
    bureau) or filed by anyone on the public form (with a tracking code), and verified (核查) by the city bureau; an
    upheld one cancels that item's support (五(5) "情况属实的取消该单位财政资金支持资格").

    The identity number and phone of an objector on the form are personal data: encrypted at rest, with a keyed
    hash for the limits and the status look-up (portal/crypto.py), shown masked, revealed to the handling officer
    with an audit event, erased after the retention period."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Being verified")
        UPHELD = "upheld", _("Upheld: support cancelled")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    class Channel(models.TextChoices):
        WRITTEN = "written", _("In writing, recorded by the bureau")
        ONLINE = "online", _("Online form")

    plan = models.ForeignKey(FundPlan, on_delete=models.PROTECT, related_name="objections")
    item_request = models.ForeignKey(ItemRequest, on_delete=models.PROTECT, related_name="objections")
    objector = models.CharField(_("objector (real name)"), max_length=60)
    contact = models.CharField(_("contact details"), max_length=120)
    facts = models.TextField(_("facts and reasons"))
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices, default=Channel.WRITTEN)
    tracking_code = models.CharField(_("tracking code"), max_length=20, blank=True)
    id_type = models.CharField(_("identity document"), max_length=20, choices=ID_TYPES, blank=True)
    id_number = EncryptedTextField(_("number of the identity document"), blank=True)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, null=True)
    # Erased, as the bases' objectors' are, OBJECTOR_DATA_RETENTION_YEARS after the plan is issued
    # (publicity.services.purge_objector_data).
    personal_data_purged_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING)
    finding = models.TextField(_("finding of the verification"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text=_("Empty for an objection filed on the public form."))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("objection to the plan")
        verbose_name_plural = _("objections to the plan")
        ordering = ["plan", "received_on", "id"]
        constraints = [models.UniqueConstraint(fields=["tracking_code"], condition=~models.Q(tracking_code=""),
                                               name="plan_objection_unique_tracking_code")]

    def __str__(self) -> str:
        return f"{self.objector} · {self.item_request}"


def approval_path(instance, filename: str) -> str:
    return f"private/funds/{instance.plan_id}/{instance.sha256}"


class GovernmentApproval(models.Model):
    """市政府审批: the city government's reply approving the plan, with its document number, date and file."""

    plan = models.OneToOneField(FundPlan, on_delete=models.PROTECT, related_name="approval")
    document_number = models.CharField(_("document number"), max_length=60)
    document_date = models.DateField(_("date of the document"))
    file = models.FileField(storage=private_storage, upload_to=approval_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    file_kind = models.CharField(_("file type"), max_length=10)
    sha256 = models.CharField("SHA-256", max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("government approval")
        verbose_name_plural = _("government approvals")

    def __str__(self) -> str:
        return self.document_number
