"""Forms of the bases' pages: thin; the services decide (bases.services)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bases.indicators import INDICATORS
from publicity.models import DesignatedBase


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=DesignatedBase.Status.choices)
    document_number = forms.CharField(label=_("Document number"), max_length=60,
                                      help_text=_("e.g. 粤商务服字〔2026〕12号"))
    document_date = forms.DateField(label=_("Document date"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("Rectification deadline"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("Only for a rectification."))
    reason = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("As the document states them; required for a rectification or a "
                                         "revocation."))
    document_file = forms.FileField(label=_("Document (PDF)"), required=False)

    def __init__(self, *args, base: DesignatedBase, **kwargs):
        super().__init__(*args, **kwargs)
        from bases.services import status_changes

        allowed = status_changes(base)
        self.fields["status"].choices = [(v, label) for v, label in DesignatedBase.Status.choices if v in allowed]


class PeriodForm(forms.Form):
    organiser = forms.ModelChoiceField(label=_("Organiser"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Year reported on"), min_value=2000, max_value=2100)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers


class ReportForm(forms.Form):
    """The indicators and the narrative. Blanks are allowed while a draft; the service checks the figures."""

    narrative = forms.CharField(label=_("Progress of the base's construction"), required=False,
                                widget=forms.Textarea(attrs={"rows": 10}),
                                help_text=_("What the base did this year: platforms, policies, leading enterprises, "
                                            "statistics monitoring, problems and next steps."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for indicator in INDICATORS:
            if indicator.kind == "money":
                fields[indicator.field] = forms.CharField(
                    label=indicator.label, required=False, max_length=20,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            else:
                fields[indicator.field] = forms.CharField(
                    label=indicator.label, required=False, max_length=12,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}))
        fields["narrative"] = self.fields["narrative"]
        self.fields = fields


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reasons for the return"), widget=forms.Textarea(attrs={"rows": 3}))
