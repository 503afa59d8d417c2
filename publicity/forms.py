from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.accounts.validators import (
    is_valid_credit_code,
    is_valid_id_number,
    normalize_identity_document,
    normalize_mobile,
)
from portal.humancheck import HumanCheckMixin
from publicity.models import Notice, NoticeItem, Objection


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


class IdentityFieldsMixin:
    """The identity document (type chosen, number checked for that type) and the phone number."""

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if len(name) < 2 or any(c.isdigit() for c in name):
            raise ValidationError(_("Enter your real name."))
        return name

    def _clean_identity(self, cleaned: dict, *, required: bool = True) -> None:
        kind, number = cleaned.get("id_type"), cleaned.get("id_number", "")
        if not number and not required:
            cleaned["id_number"] = ""
            return
        if not kind and "id_number" in cleaned:
            # No type sent (a client other than the form): a resident ID number or a credit code, as before.
            compact = "".join(number.split()).upper()
            if is_valid_id_number(compact):
                kind = cleaned["id_type"] = Objection.IdType.RESIDENT_ID
            elif is_valid_credit_code(compact):
                kind = cleaned["id_type"] = Objection.IdType.CREDIT_CODE
            else:
                self.add_error("id_number", _("This is neither a valid resident ID number nor a valid unified "
                                              "social credit code (check the last character)."))
                return
        if kind and "id_number" in cleaned:
            try:
                cleaned["id_number"] = normalize_identity_document(kind, number)
            except ValidationError as exc:
                self.add_error("id_number", exc)

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        if not value and not self.fields["phone"].required:
            return ""
        return normalize_mobile(value)

    def clean_facts(self):
        value = self.cleaned_data["facts"].strip()
        if len(value) < 15:
            raise ValidationError(_("Describe the facts and reasons in at least one full sentence."))
        return value


class ObjectionForm(HumanCheckMixin, IdentityFieldsMixin, forms.ModelForm):
    id_type = forms.ChoiceField(label=_("Identity document"), choices=Objection.IdType.choices,
                                initial=Objection.IdType.RESIDENT_ID, required=False)
    # Stored encrypted (a text column); entered as a line.
    id_number = forms.CharField(label=_("ID card number or unified social credit code"), max_length=30)
    phone = forms.CharField(label=_("Mobile phone"), max_length=24, help_text=_(
        "A mainland mobile number, or a number with its country code, e.g. +852 9123 4567."))
    email = forms.EmailField(label=_("Email"), max_length=254)
    files = MultipleFileField(label=_("Evidence files"), required=False, help_text=_(
        "PDF, OFD, DOC(X), XLS(X), JPG or PNG; the type is checked by content."))

    class Meta:
        model = Objection
        fields = ["item", "name", "organization", "id_type", "id_number", "phone", "email", "facts"]
        widgets = {"facts": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "facts": _("State the facts and your reasons, with the evidence you have."),
        }

    def __init__(self, *args, notice=None, human_check: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = notice.items.filter(removed=False) if notice else self.fields["item"].queryset
        self.fields["item"].empty_label = None
        self.fields["item"].label_from_instance = lambda item: f"{item.park_name}（{item.city_name}）"
        self.fields["id_number"].help_text = _(
            "Residents of the mainland: the 18-character resident ID number; organisations: the unified social "
            "credit code; residents of Hong Kong, Macao or Taiwan: the number of the travel permit; others: the "
            "passport number. Each is checked in the format of its type.")
        self.add_human_check(human_check)

    def clean(self):
        cleaned = super().clean()
        self._clean_identity(cleaned)
        self.clean_human_check(cleaned)
        return cleaned


class PostalObjectionForm(IdentityFieldsMixin, forms.Form):
    """书面来函: an objection received by post, registered by the officer with the scan of the letter."""

    item = forms.ModelChoiceField(label=_("Candidate objected to"), queryset=NoticeItem.objects.none(),
                                  empty_label=None)
    name = forms.CharField(label=_("Real name"), max_length=60)
    organization = forms.CharField(label=_("Organisation"), max_length=120, required=False)
    id_type = forms.ChoiceField(label=_("Identity document"), choices=Objection.IdType.choices)
    id_number = forms.CharField(label=_("Number of the identity document"), max_length=30, required=False,
                                help_text=_("As written in the letter; leave empty when the letter gives none."))
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    postal_address = forms.CharField(label=_("Sender's postal address"), max_length=200)
    postmarked_on = forms.DateField(label=_("Postmark date"),
                                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    facts = forms.CharField(label=_("Facts and reasons (as in the letter)"), max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 6}))
    scans = MultipleFileField(label=_("Scan of the letter and its enclosures"), help_text=_(
        "PDF, JPG or PNG; at least the scan of the letter itself."))

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        if notice is not None:
            self.fields["item"].queryset = notice.items.filter(removed=False)
        self.fields["item"].label_from_instance = lambda item: f"{item.park_name}（{item.city_name}）"

    def clean(self):
        cleaned = super().clean()
        self._clean_identity(cleaned, required=False)
        return cleaned


class NotAcceptForm(forms.Form):
    """不予受理, for one objection or several at once."""

    reason = forms.ChoiceField(label=_("Reason for not accepting"), choices=Objection.NotAcceptedReason.choices,
                               widget=forms.RadioSelect)
    explanation = forms.CharField(label=_("Explanation to the objector"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    objections = forms.ModelMultipleChoiceField(queryset=Objection.objects.none(), required=False,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, notice=None, **kwargs):
        super().__init__(*args, **kwargs)
        if notice is not None:
            self.fields["objections"].queryset = notice.objections.exclude(status=Objection.Status.DECIDED)


class StatusForm(forms.Form):
    tracking_code = forms.CharField(label=_("Tracking code"), max_length=20)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Investigation note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[
        (Objection.Outcome.UPHELD, Objection.Outcome.UPHELD.label),
        (Objection.Outcome.NOT_UPHELD, Objection.Outcome.NOT_UPHELD.label)], widget=forms.RadioSelect)
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
