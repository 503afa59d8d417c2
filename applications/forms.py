from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Call, ParkType, RegionClass
from portal.accounts.models import Organization, Region

GUANGDONG_BASIC_CONDITIONS = [
    "园区管理机构具有独立法人资格且运营2年（含）以上，园区面积适中，适于管理。",
    "园区符合数字服务出口发展方向，符合国家有关法律法规和产业政策的规定，符合国家产业规划要求。",
    "园区具有开展改革先行先试的实践经验，具备发展数字服务新业态新模式的示范和引领作用。",
    "园区具有较为完备的统计监测体系，具备开展数字服务在线统计监测能力。",
    "园区严格遵守《网络安全法》《数据安全法》及相关法规的要求，具有较为完备的网络安全风险防范管理机制和能力。",
    "园区所在市级、县（区）级政府制定有数字经济或信息服务业发展规划或支持政策。",
]
DEFAULT_EVIDENCE_CATEGORIES = [
    "园区概况证明材料",
    "发展数字服务基础条件证明材料",
    "发展数字服务突出优势证明材料",
]


class LinesField(forms.CharField):
    """A textarea whose lines become a list of strings."""

    widget = forms.Textarea(attrs={"rows": 6})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CallForm(forms.ModelForm):
    park_types = forms.MultipleChoiceField(
        label=_("Park types that may apply"), choices=ParkType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    co_issuers = forms.ModelMultipleChoiceField(
        label=_("Co-issuing departments (会同)"), required=False, queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The departments named in the notice as acting with the organiser (会同), e.g. 省委网信办 and "
                    "省工信厅 (seed 000), 中央网信办 and 工业和信息化部 (seed 001). Each of them, and only they, "
                    "concur with the candidate list and countersign (会签) the designation document."))
    basic_conditions = LinesField(label=_("Basic conditions"), help_text=_("One condition per line."))
    evidence_categories = LinesField(label=_("Evidence categories"), help_text=_("One category per line."))

    class Meta:
        model = Call
        fields = ["title", "document_number", "issuers", "co_issuers", "level", "region", "park_types",
                  "programme", "quota_per_unit", "basic_conditions", "evidence_categories",
                  "park_deadline", "recommend_deadline", "publicity_days", "co_review_required",
                  "experts_per_application", "scoring_deadline", "ranking_method", "score_range_flag",
                  "candidates_about"]
        widgets = {
            "issuers": forms.Textarea(attrs={"rows": 3}),
            "park_deadline": DATETIME_WIDGET,
            "recommend_deadline": DATETIME_WIDGET,
            "scoring_deadline": DATETIME_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level=Region.Level.PROVINCE)
        self.fields["co_issuers"].queryset = Organization.objects.filter(kind__in=[
            Organization.Kind.PROVINCE_CAC, Organization.Kind.PROVINCE_MIIT, Organization.Kind.MINISTRY,
        ]).order_by("kind", "name")
        if self.instance.pk:
            self.initial.setdefault("co_issuers", list(self.instance.co_issuers.all()))
        self.fields["programme"].required = False
        self.fields["quota_per_unit"].min_value = 1
        self.fields["quota_per_unit"].widget.attrs["min"] = 1
        for name in ("park_deadline", "recommend_deadline", "scoring_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if not self.instance.pk:
            self.initial.setdefault("basic_conditions", GUANGDONG_BASIC_CONDITIONS)
            self.initial.setdefault("evidence_categories", DEFAULT_EVIDENCE_CATEGORIES)
            self.initial.setdefault("publicity_days", 5)

    def clean_programme(self):
        """The programme decides the states and the review chain; a form that does not say keeps the call's."""
        return self.cleaned_data.get("programme") or self.instance.programme or "bases"

    def clean_quota_per_unit(self):
        quota = self.cleaned_data["quota_per_unit"]
        if quota is None or quota < 1:
            raise forms.ValidationError(_("The quota must be at least 1."))
        return quota

    def clean_park_deadline(self):
        deadline = self.cleaned_data["park_deadline"]
        if deadline and deadline <= timezone.now() and self.instance.status != Call.Status.CLOSED:
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline

    def clean(self):
        cleaned = super().clean()
        park, recommend = cleaned.get("park_deadline"), cleaned.get("recommend_deadline")
        if park and recommend and recommend < park:
            self.add_error("recommend_deadline",
                           _("Recommendations cannot be due before the parks' deadline."))
        level, region = cleaned.get("level"), cleaned.get("region")
        if level == Call.Level.PROVINCIAL and not region:
            self.add_error("region", _("A provincial call needs its province."))
        if level == Call.Level.NATIONAL and region:
            self.add_error("region", _("A national call is not limited to one province."))
        return cleaned


class ThresholdForm(forms.Form):
    region_class = forms.ChoiceField(label=_("Region class"), choices=RegionClass.choices,
                                     help_text=_("One of the call's region classes (区域类别)."))
    total_output = forms.DecimalField(label=_("Total output ≥"), min_value=Decimal("0"),
                                      max_digits=12, decimal_places=2)
    ict_output = forms.DecimalField(label=_("ICT-services output ≥"), min_value=Decimal("0"),
                                    max_digits=12, decimal_places=2)
    ict_exports = forms.DecimalField(label=_("ICT-services exports ≥"), min_value=Decimal("0"),
                                     max_digits=12, decimal_places=2)
    digital_enterprises = forms.IntegerField(label=_("Digital-service enterprises ≥"), min_value=0)

    def __init__(self, *args, region_classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region_classes:
            self.fields["region_class"].choices = region_classes


class BaseThresholdFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        classes = [f.cleaned_data["region_class"] for f in self.forms
                   if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not classes:
            raise forms.ValidationError(_("Enter the thresholds of at least one region class."))
        if len(classes) != len(set(classes)):
            raise forms.ValidationError(_("Each region class may appear only once."))

    def rows(self) -> list[dict]:
        return [{k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in self.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]


ThresholdFormSet = forms.formset_factory(ThresholdForm, formset=BaseThresholdFormSet, extra=0,
                                         can_delete=True, max_num=4, absolute_max=4)

PROVINCIAL_DEFAULT_THRESHOLDS = [
    {"region_class": "prd", "total_output": "20.00", "ict_output": "3.00", "ict_exports": "2.00",
     "digital_enterprises": 10},
    {"region_class": "ewn", "total_output": "10.00", "ict_output": "1.00", "ict_exports": "0.50",
     "digital_enterprises": 5},
]


class StartApplicationForm(forms.Form):
    park = forms.ModelChoiceField(label=_("Park"), queryset=None)

    def __init__(self, *args, parks=(), **kwargs):
        super().__init__(*args, **kwargs)
        from portal.accounts.models import Organization

        self.fields["park"].queryset = Organization.objects.filter(pk__in=[p.pk for p in parks])


class AttachmentForm(forms.Form):
    category = forms.ChoiceField(label=_("Evidence category"))
    file = forms.FileField(label=_("File"), help_text=_(
        "PDF, OFD, DOC(X), XLS(X), JPG or PNG; the type is checked by content."))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c, c) for c in categories]


class SubmitForm(forms.Form):
    justification = forms.CharField(
        label=_("Justification for the criteria not met"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The notice allows regions with special potential for digital services in "
                    "below the thresholds. Reviewers will read this."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the dossier is true and complete, and that it cannot be changed after "
                "submission unless it is returned."),
        error_messages={"required": _("Confirm before submitting.")},
    )


class RegionClassForm(forms.Form):
    """One region class (区域类别) of a call: its regions typed by name or GB/T 2260 code."""

    key = forms.SlugField(label=_("Key"), max_length=20, help_text=_("e.g. prd, ewn, east"))
    name = forms.CharField(label=_("Name"), max_length=40, help_text=_("e.g. 珠三角"))
    regions = forms.CharField(
        label=_("Regions"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Names or division codes, separated by 、 , or new lines, e.g. 广州市、深圳市 or 440100. A park "
                    "belongs to the class of its city, district or province."))

    def __init__(self, *args, scope=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope if scope is not None else Region.objects.all()

    def clean_regions(self):
        import re

        tokens = [t for t in re.split(r"[、，,;；\s]+", self.cleaned_data["regions"]) if t]
        found, unknown, ambiguous = [], [], []
        for token in tokens:
            matches = list(self.scope.filter(code=token)) or list(self.scope.filter(name=token))
            if not matches:
                unknown.append(token)
            elif len(matches) > 1:
                ambiguous.append(token)
            elif matches[0] not in found:
                found.append(matches[0])
        if unknown:
            raise forms.ValidationError(_("Not a region of this call: %(names)s."),
                                        params={"names": "、".join(unknown)})
        if ambiguous:
            raise forms.ValidationError(_("Several regions are called %(names)s: give the division code instead."),
                                        params={"names": "、".join(ambiguous)})
        return found


RegionClassFormSet = forms.formset_factory(RegionClassForm, extra=1, can_delete=True, max_num=12, absolute_max=12)
