"""The fund application's dossier: the sections of the items the enterprise chose (seed 004 四 申报资料).

Sections are ``applications.dossier.Section``: the applications app edits, autosaves, versions and exports them.
The outline is: the enterprise and its declaration (四(一) 基本材料), one section per requested item with the figures
its standard checks and the table it asks for (e.g. the outsourcing items' 2018年度服务外包执行情况汇总表), and the
evidence, whose categories are the basic materials and each chosen item's materials.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.dossier import EVIDENCE_KEY, Rows, Section, SectionForm, line, parse_decimal, parse_int, text
from applications.eligibility import Criterion
from funds.items import BASIC_MATERIALS
from funds.support import maximum_support, yuan
from portal.accounts.validators import validate_phone

COVER_KEY = "cover"


def _amount(label, *, required=True, help_text=""):
    return forms.DecimalField(label=label, required=required, min_value=Decimal("0"), max_digits=12,
                              decimal_places=2, help_text=help_text,
                              widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}))


class EnterpriseForm(SectionForm):
    """四(一) 基本材料 and 一 申请对象和条件: the enterprise, its contacts and its declaration."""

    park_name = line(_("Enterprise name"))  # the cover's name field (the dossier machinery reads park_name)
    credit_code = line(_("Unified social credit code"), max_length=18)
    legal_representative = line(_("Legal representative"), max_length=60)
    contact_person = line(_("Contact person"), max_length=60)
    contact_phone = line(_("Contact phone"), max_length=30, validators=[validate_phone],
                         help_text=_("Mobile (11 digits) or landline with area code, e.g. 0756-2605681."))
    contact_email = forms.EmailField(label=_("Contact email"), max_length=120)
    address = line(_("Registered address"), max_length=200)
    business = text(_("Service trade and outsourcing business"), rows=4)
    not_blacklisted = forms.BooleanField(
        label=_("The enterprise is not on the dishonesty blacklist of Credit China (信用中国)"), required=True,
        error_messages={"required": _("Only enterprises not on the blacklist may apply (一(二)).")})


class ContractRowForm(SectionForm):
    """2018年度服务外包执行情况汇总表: 合同名称、业务类型、合同金额、执行金额、执行日期."""

    name = line(_("Contract"), max_length=200)
    business_type = line(_("Business type"), max_length=60)
    contract_amount = _amount(_("Contract amount (10 thousand US dollars)"))
    executed_amount = _amount(_("Executed amount (10 thousand US dollars)"))
    executed_on = forms.DateField(label=_("Date executed"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class PolicyRowForm(SectionForm):
    """投保明细表: the export credit insurance policies."""

    policy_number = line(_("Policy number"), max_length=60)
    insurer = line(_("Insurer"), max_length=100)
    period = line(_("Period of cover"), max_length=60)
    premium = _amount(_("Premium paid (yuan)"))


ROWS = {
    "contracts": Rows("contracts", _("Service outsourcing executed in 2018"), ContractRowForm, 1),
    "policies": Rows("policies", _("Insurance policies"), PolicyRowForm, 1),
}


def item_form_class(item) -> type[forms.Form]:
    """The form of one item: the business figure its tiers check, the units it counts, the expenditure (the
    support never exceeds it), the amount requested, the prerequisite it names, a description."""
    fields = {}
    if item.metric_label:
        fields[f"{item.code}_metric"] = forms.DecimalField(
            label=f"{item.metric_label}（{item.metric_unit}）", min_value=Decimal("0"), max_digits=14,
            decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}))
    if item.per_unit:
        fields[f"{item.code}_units"] = forms.IntegerField(
            label=_("Number (%(per)s)") % {"per": item.per_unit}, min_value=1,
            widget=forms.NumberInput(attrs={"min": "1", "step": "1"}))
    fields[f"{item.code}_expenditure"] = _amount(_("Actual expenditure of the project (yuan)"), help_text=_(
        "Support never exceeds the project's actual expenditure (六(二))."))
    fields[f"{item.code}_requested"] = _amount(_("Support requested (yuan)"))
    if item.prerequisite:
        fields[f"{item.code}_prerequisite"] = forms.BooleanField(
            label=_("We declare: %(p)s") % {"p": item.prerequisite}, required=True,
            error_messages={"required": _("The item supports only applicants that meet this condition.")})
    fields[f"{item.code}_description"] = forms.CharField(label=_("Description of the project"), max_length=5000,
                                            widget=forms.Textarea(attrs={"rows": 4}))
    form_class = type(f"ItemForm_{item.code}", (SectionForm,), fields)
    form_class.item = item
    return form_class


def item_section(item) -> Section:
    rows = (ROWS[item.rows],) if item.rows in ROWS else ()
    return Section(item.section_key, f"{item.number} {item.name}", item_form_class(item), rows)


def outline(items) -> tuple[Section, ...]:
    return (Section(COVER_KEY, _("Enterprise and declaration"), EnterpriseForm),
            *(item_section(item) for item in items),
            Section(EVIDENCE_KEY, _("Application materials"), None))


def evidence_categories(items) -> list[str]:
    categories = list(BASIC_MATERIALS)
    for item in items:
        categories += [f"{item.name}：{m}"[:100] for m in item.materials]
    return categories


def item_figures(item, data: dict) -> dict:
    """The figures of an item's section (saved or as typed; field names carry the item's code, so that all
    sections merge into one dict) and the support they allow."""
    code = item.code
    metric = parse_decimal(data.get(f"{code}_metric"))
    units = parse_int(data.get(f"{code}_units"))
    expenditure = parse_decimal(data.get(f"{code}_expenditure"))
    requested = parse_decimal(data.get(f"{code}_requested"))
    prerequisite = data.get(f"{code}_prerequisite") in (True, "on", "true", "True")
    support = maximum_support(item, metric=metric, units=units, expenditure=expenditure,
                              prerequisite_met=prerequisite)
    return {"metric": metric, "units": units, "expenditure": expenditure, "requested": requested,
            "support": support}


def _first(value):
    return value[0] if isinstance(value, list) and value else value


def criterion(item, data: dict) -> Criterion:
    data = {k: _first(v) for k, v in (data or {}).items()}
    figures = item_figures(item, data)
    support, requested = figures["support"], figures["requested"]
    declared = []
    if figures["metric"] is not None:
        declared.append(f"{figures['metric']}{item.metric_unit}")
    if figures["expenditure"] is not None:
        declared.append(_("expenditure %(v)s") % {"v": yuan(figures["expenditure"])})
    if requested is not None:
        declared.append(_("requested %(v)s") % {"v": yuan(requested)})
    filled = requested is not None and figures["expenditure"] is not None
    met = (support.reached and requested <= support.maximum) if filled else None
    return Criterion(key=item.code, label=f"{item.number} {item.name}",
                     required=_("at most %(max)s (%(how)s)") % {"max": yuan(support.maximum),
                                                                 "how": support.explanation},
                     declared="；".join(str(d) for d in declared) or "—", met=met)


def check_item(item, data: dict) -> dict:
    """The service's check of one item at submission: the standard reached, the request within the maximum."""
    figures = item_figures(item, data)
    support, requested = figures["support"], figures["requested"]
    if not support.reached:
        raise ValidationError(_("%(item)s: %(why)s The item cannot be requested.")
                              % {"item": item.name, "why": support.explanation}, code="threshold")
    if requested is None or requested > support.maximum:
        raise ValidationError(_("%(item)s: the support requested exceeds the most the item allows, %(max)s (%(how)s).")
                              % {"item": item.name, "max": yuan(support.maximum), "how": support.explanation},
                              code="cap")
    return figures
