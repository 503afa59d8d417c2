from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.validators import is_valid_credit_code, is_valid_id_number, validate_mobile
from publicity.models import Notice, Objection


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["title", "body", "contact_phone", "contact_email", "contact_address"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class PublishForm(forms.Form):
    publication_date = forms.DateField(label=_("Publication date"),
                                       widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal (shown publicly)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ObjectionForm(forms.ModelForm):
    files = MultipleFileField(label=_("Evidence files"), required=False, help_text=_(
        "PDF, OFD, DOC(X), XLS(X), JPG or PNG; the type is checked by content."))

    class Meta:
        model = Objection
        fields = ["item", "name", "organization", "id_number", "phone", "email", "facts"]
        widgets = {"facts": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "id_number": _("A resident ID number (18 characters) or, for an organisation, its unified social credit "
                           "code. Both are checked by their check character."),
            "facts": _("State the facts and your reasons, with the evidence you have."),
        }

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = notice.items.filter(removed=False) if notice else self.fields["item"].queryset
        self.fields["item"].empty_label = None
        self.fields["item"].label_from_instance = lambda item: f"{item.park_name}（{item.city_name}）"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if len(name) < 2 or any(c.isdigit() for c in name):
            raise ValidationError(_("Enter your real name."))
        return name

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip().upper()
        if not (is_valid_id_number(value) or is_valid_credit_code(value)):
            raise ValidationError(_("This is neither a valid resident ID number nor a valid unified social credit "
                                    "code (check the last character)."))
        return value

    def clean_phone(self):
        value = self.cleaned_data["phone"].replace(" ", "")
        validate_mobile(value)
        return value

    def clean_facts(self):
        value = self.cleaned_data["facts"].strip()
        if len(value) < 15:
            raise ValidationError(_("Describe the facts and reasons in at least one full sentence."))
        return value


class StatusForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Investigation note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Objection.Outcome.choices, widget=forms.RadioSelect)
    reply = forms.CharField(label=_("Written reply to the objector"), max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 4}))


class DesignateForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=60,
                                      help_text=_("e.g. 粤商务服字〔2026〕20号"))
    document_date = forms.DateField(label=_("Document date"),
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    title = forms.CharField(label=_("Document title"), max_length=200, required=False,
                            help_text=_("Leave empty for the standard title."))


class CountersignForm(forms.Form):
    opinion = forms.CharField(label=_("Opinion (optional)"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class OfflineCountersignForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Department that signed on paper"), queryset=None)
    signed_on = forms.DateField(label=_("Date on the signed document"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    scan = forms.FileField(label=_("Scanned document"),
                           help_text=_("The document with the department's signature and seal: PDF, PNG or JPG."))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        from portal.accounts.models import Organization

        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])
