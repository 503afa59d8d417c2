"""Thin forms: the services check again whatever the forms check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.models import ID_TYPES, ItemRequest
from portal.humancheck import HumanCheckMixin
from publicity.forms import IdentityFieldsMixin


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class StartForm(forms.Form):
    def __init__(self, *args, enterprises, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, empty_label=None)
        self.fields["enterprise"].queryset = enterprises
        self.fields["items"] = forms.MultipleChoiceField(
            label=_("Supported items requested"), widget=forms.CheckboxSelectMultiple,
            choices=[(i.code, f"{i.number} {i.name}") for i in items],
            help_text=_("Items of one type can be requested once (同一类型项目不可重复申报)."))


class DistrictReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Pass the preliminary review")), ("return_for_revision", _("Return for revision")),
        ("reject", _("Do not pass"))])
    opinion = forms.CharField(label=_("Preliminary review opinion (初审意见)"), max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class CityReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("evaluate", _("Passed the review: propose the support below")), ("decline", _("Not supported"))])
    opinion = forms.CharField(label=_("Review opinion"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, item_requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_requests = list(item_requests)
        for r in self.item_requests:
            self.fields[f"score_{r.pk}"] = forms.DecimalField(
                label=_("Score"), required=False, min_value=0, max_value=100, decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}))
            self.fields[f"amount_{r.pk}"] = forms.DecimalField(
                label=_("Support proposed (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2,
                initial=r.maximum_support, widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}))
            self.fields[f"opinion_{r.pk}"] = forms.CharField(label=_("Remark"), required=False, max_length=2000)

    def rows(self):
        return [(r, self[f"score_{r.pk}"], self[f"amount_{r.pk}"], self[f"opinion_{r.pk}"]) for r in self.item_requests]

    def items(self) -> dict:
        return {r.pk: {"score": self.cleaned_data.get(f"score_{r.pk}"),
                       "amount": self.cleaned_data.get(f"amount_{r.pk}") or 0,
                       "opinion": self.cleaned_data.get(f"opinion_{r.pk}", "")} for r in self.item_requests}


class PublishForm(forms.Form):
    start = _date(_("First day of the notice"))


class ObjectionForm(forms.Form):
    item_request = forms.ModelChoiceField(label=_("Item objected to"), queryset=ItemRequest.objects.none())
    objector = forms.CharField(label=_("Objector (real name)"), max_length=60)
    contact = forms.CharField(label=_("Contact details"), max_length=120)
    facts = forms.CharField(label=_("Facts and reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    received_on = _date(_("Received on"))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_request"].queryset = ItemRequest.objects.filter(pk__in=[r.pk for r in rows])
        self.fields["item_request"].label_from_instance = lambda r: f"{r.application.park.name} · {r.item.name}"


class DecideObjectionForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("Finding"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
                                    choices=[("yes", _("Upheld: cancel the item's support")),
                                             ("no", _("Not upheld"))])
    finding = forms.CharField(label=_("What the verification found"), max_length=3000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class ApprovalForm(forms.Form):
    document_number = forms.CharField(label=_("Document number of the reply"), max_length=60)
    document_date = _date(_("Date of the reply"))
    file = forms.FileField(label=_("The reply (scan)"))


class IssueForm(forms.Form):
    document_number = forms.CharField(label=_("Document number of the plan"), max_length=60)
    document_date = _date(_("Date of the document"))


def _datetime(label, help_text=""):
    return forms.DateTimeField(label=label, help_text=help_text, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))


class CallForm(forms.Form):
    """A fund call of the city bureau: its settings and the guide's supported items it offers."""

    year = forms.IntegerField(label=_("Year of the call"), min_value=2019, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Leave empty for the standard title of the year."))
    document_number = forms.CharField(label=_("Document number of the call"), max_length=60,
                                      help_text=_("e.g. 珠商〔2019〕28号"))
    park_deadline = _datetime(_("Deadline for enterprises"))
    recommend_deadline = _datetime(_("Deadline for the districts' preliminary review"))
    publicity_days = forms.IntegerField(label=_("Working days of the plan's public notice"), min_value=1,
                                        max_value=30, initial=5)
    items = forms.MultipleChoiceField(label=_("Supported items"), widget=forms.CheckboxSelectMultiple,
                                      help_text=_("The items of the guide (珠商〔2019〕28号) the call supports; their "
                                                  "caps and thresholds can be changed before the call opens."))

    def __init__(self, *args, **kwargs):
        from funds.items import SEED_ITEMS

        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(row["code"], f"{row['number']} {row['name']}") for row in SEED_ITEMS]
        self.fields["items"].initial = [row["code"] for row in SEED_ITEMS]


class ItemForm(forms.Form):
    """The figures of one supported item of a draft call."""

    tiers = forms.CharField(label=_("Tiers (one per line: minimum of the business figure, cap in yuan)"),
                            required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("e.g. “100, 100000”: from 100 (in the unit of the business figure) at most "
                                        "100000 yuan."))
    cap = forms.DecimalField(label=_("Cap (yuan)"), required=False, min_value=0, max_digits=12, decimal_places=2)
    total_cap = forms.DecimalField(label=_("Cap in all (yuan)"), required=False, min_value=0, max_digits=12,
                                   decimal_places=2)
    standard = forms.CharField(label=_("Support standard"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, item, **kwargs):
        initial = {"tiers": "\n".join(f"{minimum}, {cap}" for minimum, cap in item.tiers or []),
                   "cap": item.cap, "total_cap": item.total_cap, "standard": item.standard}
        super().__init__(*args, initial=initial, prefix=f"i{item.pk}", **kwargs)
        self.item = item
        if item.metric_label:
            del self.fields["cap"]
            self.fields["tiers"].label = _("Tiers over “%(metric)s” (%(unit)s): one per line, minimum, cap in "
                                           "yuan") % {"metric": item.metric_label, "unit": item.metric_unit}
        else:
            del self.fields["tiers"]
        if not item.per_unit:
            del self.fields["total_cap"]

    def clean_tiers(self):
        from decimal import Decimal, InvalidOperation

        tiers = []
        for line in self.cleaned_data["tiers"].splitlines():
            parts = line.replace("，", ",").replace(",", " ").split()
            if not parts:
                continue
            try:
                minimum, cap = (Decimal(p) for p in parts) if len(parts) == 2 else (None, None)
            except InvalidOperation:
                minimum = None
            if minimum is None:
                raise forms.ValidationError(_("Write each tier as: minimum, cap in yuan (e.g. 100, 100000)."))
            tiers.append([minimum, cap])
        return tiers

    def values(self) -> dict:
        return {"tiers": self.cleaned_data.get("tiers", []), "cap": self.cleaned_data.get("cap"),
                "total_cap": self.cleaned_data.get("total_cap"), "standard": self.cleaned_data["standard"]}


class PublicObjectionForm(HumanCheckMixin, IdentityFieldsMixin, forms.Form):
    """异议 on the public form: the item objected to, the objector's real name, identity document and phone (the
    checks of the bases' public objection form), the facts; a person's check after several from one network."""

    item_request = forms.ModelChoiceField(label=_("Item objected to"), queryset=ItemRequest.objects.none(),
                                          empty_label=None)
    name = forms.CharField(label=_("Real name"), max_length=60)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=ID_TYPES, initial=ID_TYPES[0][0])
    id_number = forms.CharField(label=_("Number of the identity document"), max_length=30)
    phone = forms.CharField(label=_("Mobile phone"), max_length=24, help_text=_(
        "A mainland mobile number, or a number with its country code, e.g. +852 9123 4567."))
    email = forms.EmailField(label=_("Email"), max_length=254, required=False)
    facts = forms.CharField(label=_("Facts and reasons"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("State the facts and your reasons, with the evidence you have."))

    def __init__(self, *args, rows, human_check: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_request"].queryset = ItemRequest.objects.filter(pk__in=[r.pk for r in rows]) \
            .select_related("item", "application__park")
        self.fields["item_request"].label_from_instance = lambda r: f"{r.application.park.name} · {r.item.name}"
        self.add_human_check(human_check)

    def clean(self):
        cleaned = super().clean()
        self._clean_identity(cleaned)
        self.clean_human_check(cleaned)
        return cleaned

    def values(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("name", "id_type", "id_number", "phone", "email", "facts")}
