from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import CheckStatus, CoReview, PreliminaryReview


class DecisionForm(forms.Form):
    """The checklist of the call's basic conditions, the overall opinion and the decision."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    opinion = forms.CharField(label=_("Overall opinion"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(label=_("Decision"), choices=PreliminaryReview.Decision.choices,
                                 widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons (required to return or reject)"), required=False,
                              max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.conditions = list(conditions)
        for i in range(1, len(self.conditions) + 1):
            self.fields[f"c{i}_status"] = forms.ChoiceField(
                label=_("Assessment"), choices=CheckStatus.choices, widget=forms.RadioSelect,
                error_messages={"required": _("Assess this condition.")})
            self.fields[f"c{i}_remark"] = forms.CharField(label=_("Remark"), required=False, max_length=1000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in ("return", "reject") and not (cleaned.get("reasons") or "").strip():
            self.add_error("reasons", _("Give the reasons; the park will read them."))
        return cleaned

    def checklist(self) -> dict:
        return {f"c{i}": {"status": self.cleaned_data[f"c{i}_status"],
                          "remark": self.cleaned_data[f"c{i}_remark"]}
                for i in range(1, len(self.conditions) + 1)}

    def condition_rows(self):
        """(number, condition, assessment, remark, what the park declared): ``declared`` is set by the
        view (``park_declarations``) with the park's explanation, its evidence and whether it changed."""
        declared = getattr(self, "park_declarations", {})
        return [(i, text, self[f"c{i}_status"], self[f"c{i}_remark"], declared.get(i))
                for i, text in enumerate(self.conditions, start=1)]


class CoReviewForm(forms.Form):
    stance = forms.ChoiceField(label=_("Stance"), choices=CoReview.Stance.choices, widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("Opinion"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))


class RecommendationListForm(forms.Form):
    """A rank for each approved application; those left empty are not recommended."""

    def __init__(self, *args, applications=(), items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.applications = list(applications)
        ranks = {item.application_id: item.rank for item in (items or [])}
        for application in self.applications:
            self.fields[f"rank_{application.pk}"] = forms.IntegerField(
                label=application.park.name, required=False, min_value=1, max_value=99,
                initial=ranks.get(application.pk))

    def clean(self):
        cleaned = super().clean()
        ranks = [v for k, v in cleaned.items() if k.startswith("rank_") and v is not None]
        if len(ranks) != len(set(ranks)):
            raise forms.ValidationError(_("Each rank may be used only once."))
        return cleaned

    def ordered_ids(self) -> list[int]:
        chosen = [(v, int(k.removeprefix("rank_"))) for k, v in self.cleaned_data.items()
                  if k.startswith("rank_") and v is not None]
        return [pk for _rank, pk in sorted(chosen)]

    def rows(self):
        return [(a, self[f"rank_{a.pk}"]) for a in self.applications]


class SendForm(forms.Form):
    letter_number = forms.CharField(label=_("Letter number (文号)"), max_length=60,
                                    help_text=_("e.g. 穗商务函〔2026〕15号"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for returning the list"), max_length=3000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ResendForm(forms.Form):
    """Answer a return of the formal check: the returned park (revised) or a replacement."""

    formal_return = forms.IntegerField(widget=forms.HiddenInput)
    application = forms.TypedChoiceField(label=_("Park to re-send"), coerce=int)
    letter_number = forms.CharField(label=_("Letter number (文号)"), max_length=60)

    def __init__(self, *args, applications=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [(a.pk, a.park.name) for a in applications]
