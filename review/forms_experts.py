from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import ExpertProfile, FormalCheck


class FormalCheckForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=FormalCheck.Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason (required to return)"), required=False, max_length=3000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    resend_deadline = forms.DateTimeField(
        label=_("Re-send deadline (required to return)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Only this application goes back to its unit; the rest of the list stays. The unit may "
                    "re-send it (revised) or another park until this time, even after the recommendation "
                    "deadline."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return":
            if not (cleaned.get("reason") or "").strip():
                self.add_error("reason", _("Give the reason; the recommending unit will read it."))
            if not cleaned.get("resend_deadline") and "resend_deadline" not in self.errors:
                self.add_error("resend_deadline", _("Set the deadline by which the unit may re-send."))
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Expert list (.xlsx)"))


class PanelForm(forms.Form):
    name = forms.CharField(label=_("Panel name"), max_length=100)
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=ExpertProfile.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=ExpertProfile.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = experts
        self.fields["members"].queryset = experts


class ManualAssignForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(label=_("Experts"), queryset=ExpertProfile.objects.none())

    def __init__(self, *args, experts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts


class RubricRowForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False, max_length=1000)
    max_points = forms.DecimalField(label=_("Maximum points"), min_value=Decimal("0.5"), max_value=Decimal("1000"),
                                    max_digits=5, decimal_places=1)
    weight = forms.DecimalField(label=_("Weight"), min_value=Decimal("0"), max_value=Decimal("10"), max_digits=4,
                                decimal_places=2, initial=Decimal("1"))


class BaseRubricFormSet(forms.BaseFormSet):
    def is_valid(self):
        # Django compares a signalling NaN typed into a decimal field with the initial value and raises;
        # such input is simply invalid.
        try:
            return super().is_valid()
        except InvalidOperation:
            self._non_form_errors = self.error_class([_("Enter the points and weights as plain numbers.")])
            return False


RubricFormSet = forms.formset_factory(RubricRowForm, formset=BaseRubricFormSet, extra=1, can_delete=True,
                                      max_num=30, absolute_max=30)


class DeclareConflictForm(forms.Form):
    reason = forms.CharField(label=_("Describe the conflict of interest"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class AutoAssignForm(forms.Form):
    seed = forms.IntegerField(label=_("Seed"), required=False, min_value=0, max_value=2**63 - 1,
                              help_text=_("Leave empty for a new random draw; give the seed of a draw to "
                                          "reproduce it."))
    alternates = forms.IntegerField(label=_("Alternates per application"), min_value=0, max_value=10, initial=5)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why you decline this assignment"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=1000)


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("Panel opinion"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class ConcurForm(forms.Form):
    stance = forms.ChoiceField(label=_("Stance"), choices=[("concur", _("Concur")), ("object", _("Object"))],
                               widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))


class DiscussionForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
