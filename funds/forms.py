"""Thin forms: the services check again whatever the forms check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from funds.models import ItemRequest


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
