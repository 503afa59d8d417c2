from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms import DATETIME_WIDGET
from rereview.models import ReReviewItem

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, base):
        return f"{base.name}（{base.batch}，{base.year}）"


class StartRoundForm(forms.Form):
    title = forms.CharField(label=_("Title of the round"), max_length=200)
    document_number = forms.CharField(label=_("Document number of the re-review notice"), max_length=60)
    reference_date = forms.DateField(label=_("Reference date"), widget=DATE_WIDGET, help_text=_(
        "Bases designated two years or more before this day, and not re-reviewed since, are eligible."))
    period_from = forms.IntegerField(label=_("Annual reports from year"), min_value=1990, max_value=2100)
    period_to = forms.IntegerField(label=_("Annual reports to year"), min_value=1990, max_value=2100)
    experts_per_application = forms.IntegerField(label=_("Experts per base"), min_value=1, max_value=20, initial=3)
    scoring_deadline = forms.DateTimeField(label=_("Deadline for expert scores"), required=False,
                                           widget=DATETIME_WIDGET)
    bases = BaseChoiceField(label=_("Bases to re-review"), queryset=None, widget=forms.CheckboxSelectMultiple,
                            required=False)

    def __init__(self, *args, eligible=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bases"].queryset = eligible


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReReviewItem.Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reasons (sent to the base)"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    rectification_deadline = forms.DateField(label=_("Rectification deadline"), required=False, widget=DATE_WIDGET)
    missing_sheets_reason = forms.CharField(
        label=_("Why decide without every score sheet (when some are missing)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}))


class FailureNoticeForm(forms.Form):
    publication_date = forms.DateField(label=_("Publication date"), widget=DATE_WIDGET)
    contact_phone = forms.CharField(label=_("Phone for objections"), max_length=40)
    contact_email = forms.EmailField(label=_("Email for objections"))
    contact_address = forms.CharField(label=_("Postal address for objections"), max_length=200)


class RevocationForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    document_date = forms.DateField(label=_("Document date"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("Title (empty: the usual title)"), max_length=200, required=False)
