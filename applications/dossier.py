"""The dossier (申报材料) as the guide prescribes it (seed 000, 附件2), section by section.

Each section is a Django form plus repeating rows (formsets). A section's saved data is a flat
JSON dict: field name → value (decimals and dates as strings), formset prefix → list of row dicts.
Word, PDF, the version comparison and the reviewers' pages all read this one description.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.accounts.validators import validate_phone

YI = _("100 million yuan")


def money(label, required=True, help_text=""):
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal("0"), max_digits=12, decimal_places=2,
        help_text=help_text or _("In 100 million yuan (亿元), two decimals."),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


def count(label, required=True, help_text=""):
    return forms.IntegerField(label=label, required=required, min_value=0, help_text=help_text,
                              widget=forms.NumberInput(attrs={"min": "0", "step": "1"}))


def text(label, required=True, rows=5, help_text="", max_length=20000):
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def line(label, required=True, max_length=200, **kwargs):
    return forms.CharField(label=label, required=required, max_length=max_length, **kwargs)


class SectionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


class CoverForm(SectionForm):
    park_name = line(_("Park name"))
    legal_representative = line(_("Legal representative"), max_length=60)
    contact_person = line(_("Contact person"), max_length=60)
    contact_phone = line(_("Contact phone"), max_length=30, validators=[validate_phone],
                         help_text=_("Mobile (11 digits) or landline with area code, e.g. 020-83331234."))
    contact_email = forms.EmailField(label=_("Contact email"), max_length=120)
    address = line(_("Address"), max_length=200)


class OverviewForm(SectionForm):
    established_on = forms.DateField(
        label=_("Date the management body was established"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A basic condition, not a threshold: the management body must have operated for at least two "
                    "years by the deadline, or the application cannot be submitted."),
    )
    area_km2 = forms.DecimalField(label=_("Area (km²)"), min_value=Decimal("0"), max_digits=10,
                                  decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01"}))
    history = text(_("Development history"))
    location = text(_("Location"), rows=3)
    total_output = money(_("Total output"))
    total_exports = money(_("Total exports"))
    enterprise_count = count(_("Number of enterprises"))
    employee_count = count(_("Number of employees"))
    ip_count = count(_("Intellectual property rights (count)"))
    software_copyright_count = count(_("Software copyrights (count)"))
    pilot_experience = text(_("Pilot experience (先行先试)"))


class IndustryRowForm(SectionForm):
    name = line(_("Industry"), max_length=100)
    output = money(_("Output"), required=False, help_text=" ")
    description = line(_("Description"), required=False, max_length=500)


DIGITAL_ENTERPRISE_HELP = _(
    "Enterprises that report telecommunications, computer and information services in the "
    "service trade direct reporting system plus enterprises that report offshore information "
    "technology outsourcing in the service outsourcing statistics system, each counted once."
)


class FoundationsForm(SectionForm):
    """The figures the thresholds check. Two are derived, here and again in the service
    (``derive_foundations``): the enterprise count from its three parts, counted once each
    ("不重复计算"), and the exports in 亿元 from an amount in US dollars with its exchange rate."""

    digital_infrastructure = text(_("Digital infrastructure"))
    statistics_system = text(_("How the statistics system runs"))
    cybersecurity = text(_("Cybersecurity risk prevention"))
    ict_output = money(_("Output of information transmission, software and IT services"))
    ict_value_added = money(_("Value added of information transmission, software and IT services"))
    ict_exports_usd = forms.DecimalField(
        label=_("Exports of telecommunications, computer and information services in US dollars"),
        required=False, min_value=Decimal("0"), max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        help_text=_("In 10 thousand US dollars (万美元), when the statistics report dollars. Enter the exchange "
                    "rate and its date: the thresholds check the amount in yuan computed from them."))
    usd_rate = forms.DecimalField(
        label=_("Exchange rate (yuan per US dollar)"), required=False, min_value=Decimal("0.0001"),
        max_digits=8, decimal_places=4, widget=forms.NumberInput(attrs={"step": "0.0001", "min": "0"}),
        help_text=_("e.g. the central parity rate of the People's Bank of China, 6.4515."))
    usd_rate_date = forms.DateField(
        label=_("Date of the exchange rate"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ict_exports = money(_("Exports of telecommunications, computer and information services"), required=False,
                        help_text=_("In 100 million yuan (亿元), two decimals. Computed from the US dollar amount "
                                    "when one is entered; the thresholds check this figure."))
    enterprises_trade_direct = count(
        _("Enterprises reporting telecommunications, computer and information services in the service trade "
          "direct reporting system (服贸直报)"))
    enterprises_outsourcing = count(
        _("Enterprises reporting offshore IT outsourcing in the service outsourcing statistics system"))
    enterprises_both = count(_("Of these, enterprises counted in both systems"), help_text=_(
        "Counted once: the total subtracts them (不重复计算)."))
    digital_enterprise_count = count(_("Enterprises conducting digital-service business"), required=False,
                                     help_text=DIGITAL_ENTERPRISE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["digital_enterprise_count"].widget.attrs["readonly"] = True

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        from django.core.exceptions import ValidationError

        try:
            derived = derive_foundations({k: to_json(v) for k, v in cleaned.items()})
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                self.add_error(field, errors)
            return cleaned
        cleaned["ict_exports"] = parse_decimal(derived["ict_exports"])
        cleaned["digital_enterprise_count"] = derived["digital_enterprise_count"]
        return cleaned


class AdvantagesForm(SectionForm):
    positioning = text(_("Development positioning"))
    rd_investment = money(_("R&D investment"))
    policy_support = text(_("Policy support"), rows=3, required=False)


class LeadingEnterpriseRowForm(SectionForm):
    name = line(_("Enterprise"), max_length=120)
    field = line(_("Field"), max_length=100)
    exports = money(_("Digital-service exports"), required=False, help_text=" ")


class TalentRowForm(SectionForm):
    name = line(_("Name"), max_length=60)
    title = line(_("Title or position"), max_length=100)
    achievements = line(_("Field and achievements"), required=False, max_length=500)


class PolicyRowForm(SectionForm):
    title = line(_("Policy title"), max_length=200)
    issuer = line(_("Issued by"), max_length=120)
    document_number = line(_("Document number"), required=False, max_length=60)
    issued_on = forms.DateField(label=_("Date issued"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class PlansForm(SectionForm):
    plans = text(_("Plans and approach for developing digital service exports"), rows=12)


@dataclass(frozen=True)
class Rows:
    """A repeating table inside a section."""

    prefix: str
    title: str
    form_class: type[forms.Form]
    min_rows: int = 0


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    form_class: type[forms.Form] | None
    rows: tuple[Rows, ...] = field(default_factory=tuple)


CONDITIONS_KEY = "conditions"
EVIDENCE_KEY = "evidence"

SECTIONS: tuple[Section, ...] = (
    Section("cover", _("Cover"), CoverForm),
    Section("overview", _("Park overview"), OverviewForm, (
        Rows("key_industries", _("Key industries"), IndustryRowForm, 1),
    )),
    Section("foundations", _("Foundations for developing digital services"), FoundationsForm),
    Section("advantages", _("Outstanding advantages in digital services"), AdvantagesForm, (
        Rows("leading_enterprises", _("Leading enterprises"), LeadingEnterpriseRowForm, 1),
        Rows("leading_talent", _("Leading talent"), TalentRowForm, 0),
        Rows("policies", _("Supporting policies"), PolicyRowForm, 0),
    )),
    Section("plans", _("Plans for developing digital service exports"), PlansForm),
    Section(EVIDENCE_KEY, _("Supporting evidence"), None),
    Section(CONDITIONS_KEY, _("Basic conditions"), None),
)
SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}


def conditions_form_class(conditions: list[str], attachment_choices: list[tuple[str, str]]):
    """The six basic conditions of the call: a declaration, an explanation and linked evidence each."""
    fields = {}
    for i in range(1, len(conditions) + 1):
        fields[f"c{i}_declared"] = forms.BooleanField(
            label=_("We declare that the park meets this condition"), required=True,
            error_messages={"required": _("Declare that the park meets this condition.")},
        )
        fields[f"c{i}_explanation"] = forms.CharField(
            label=_("Explanation"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
        )
        fields[f"c{i}_evidence"] = forms.MultipleChoiceField(
            label=_("Linked evidence"), required=False, choices=attachment_choices,
            widget=forms.CheckboxSelectMultiple,
        )
    form_class = type("ConditionsForm", (SectionForm,), fields)
    form_class.conditions = conditions
    return form_class


def row_formset_class(rows: Rows):
    return forms.formset_factory(rows.form_class, extra=2, can_delete=True, min_num=rows.min_rows,
                                 validate_min=True, max_num=500, absolute_max=500)


# --- serialisation -------------------------------------------------------------------------------

def to_json(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def cleaned_to_data(form: forms.Form, formsets: dict[str, forms.BaseFormSet]) -> dict:
    data = {name: to_json(value) for name, value in form.cleaned_data.items()}
    for prefix, formset in formsets.items():
        data[prefix] = [
            {name: to_json(value) for name, value in row.items() if name != "DELETE"}
            for row in formset.cleaned_data
            if row and not row.get("DELETE")
        ]
    return data


MAX_FIGURE = 10**12


def parse_decimal(value) -> Decimal | None:
    """A figure as typed, or None when it is empty, not a number, not finite or absurdly large."""
    try:
        number = Decimal(str(value)) if value not in (None, "") else None
    except (ArithmeticError, ValueError):
        return None
    # adjusted() is the exponent of the leading digit: no arithmetic, so no overflow on "1e9999999".
    if number is None or not number.is_finite() or number.adjusted() >= 12:
        return None
    return number


def parse_int(value) -> int | None:
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is None or abs(number) < MAX_FIGURE else None


def parse_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


# --- derived figures (also enforced by the service) ------------------------------------------------

def enterprise_total(data: dict) -> int | None:
    """开展数字服务业务企业数量: 服贸直报 plus 服务外包, those in both counted once. Versions saved
    before the parts existed carry only the total."""
    trade, outsourcing = parse_int(data.get("enterprises_trade_direct")), parse_int(data.get("enterprises_outsourcing"))
    if trade is None or outsourcing is None:
        return parse_int(data.get("digital_enterprise_count"))
    return trade + outsourcing - (parse_int(data.get("enterprises_both")) or 0)


USD_WAN_PER_YI = Decimal("10000")  # the dollar amount is in 万美元, the yuan figure in 亿元


def exports_in_yuan(data: dict) -> Decimal | None:
    """The exports in 亿元 that the thresholds check: from US dollars with the rate when given."""
    usd, rate = parse_decimal(data.get("ict_exports_usd")), parse_decimal(data.get("usd_rate"))
    if usd is not None and rate:
        return (usd * rate / USD_WAN_PER_YI).quantize(Decimal("0.01"))
    return parse_decimal(data.get("ict_exports"))


def derive_foundations(data: dict) -> dict:
    """Check the parts and compute the derived figures of the foundations section (raw JSON data).
    Raises ValidationError naming the field; returns a copy with the derived values."""
    from django.core.exceptions import ValidationError

    errors = {}
    trade = parse_int(data.get("enterprises_trade_direct"))
    outsourcing = parse_int(data.get("enterprises_outsourcing"))
    both = parse_int(data.get("enterprises_both"))
    for name, value in (("enterprises_trade_direct", trade), ("enterprises_outsourcing", outsourcing),
                        ("enterprises_both", both)):
        if value is None or value < 0:
            errors[name] = _("Enter a whole number of enterprises (0 or more).")
    if not errors and both > min(trade, outsourcing):
        errors["enterprises_both"] = _(
            "Enterprises counted in both systems cannot be more than either system's count.")
    usd, rate = parse_decimal(data.get("ict_exports_usd")), parse_decimal(data.get("usd_rate"))
    if usd is not None:
        if usd < 0:
            errors["ict_exports_usd"] = _("Enter 0 or more.")
        if rate is None or rate <= 0:
            errors["usd_rate"] = _("Enter the exchange rate used to convert the US dollar amount.")
        if not parse_date(data.get("usd_rate_date")):
            errors["usd_rate_date"] = _("Enter the date of the exchange rate.")
    elif parse_decimal(data.get("ict_exports")) is None:
        errors["ict_exports"] = _("Enter the exports in yuan, or in US dollars with the exchange rate.")
    if errors:
        raise ValidationError(errors)
    derived = dict(data)
    derived["digital_enterprise_count"] = trade + outsourcing - both
    derived["ict_exports"] = f"{exports_in_yuan(data):.2f}"
    return derived


DERIVED_SECTIONS = {"foundations": derive_foundations}
