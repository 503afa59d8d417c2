from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.accounts.models import Membership, Organization, ParkType


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is wrong. After %(limit)s failed attempts the account is "
            "locked for a while."
        ),
        "inactive": _("This account is disabled. Please contact the system administrator."),
    }

    def get_invalid_login_error(self):
        from django.conf import settings
        from django.core.exceptions import ValidationError

        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT},
        )


class OrganizationForm(forms.ModelForm):
    park_types = forms.MultipleChoiceField(
        label=_("Park types"), required=False, choices=ParkType.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("For a park: what it is. A call accepts only the park types it lists."))

    class Meta:
        model = Organization
        fields = ["name", "kind", "region", "credit_code", "park_types"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organization", "role", "is_active"]


# --- system administration (系统管理) -------------------------------------------------------------

class _Plain(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class UserCreateForm(_Plain):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)

    def clean_username(self):
        from portal.accounts.models import User

        username = self.cleaned_data["username"].strip()
        if not username or any(c.isspace() for c in username):
            raise forms.ValidationError(_("The username is missing or contains spaces."))
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("The username is already used by another account."))
        return username


class UserEditForm(_Plain):
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class MembershipAddForm(_Plain):
    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, **kwargs):
        from portal.accounts.models import Role

        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["role"].choices = [("", "---------"), *Role.choices]


class WorkdayForm(_Plain):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_workday = forms.TypedChoiceField(
        label=_("Status"), coerce=lambda v: v == "1",
        choices=[("0", _("Holiday (no work)")), ("1", _("Make-up working day"))])
    note = forms.CharField(label=_("Note"), max_length=100, required=False, help_text=_("e.g. 春节 or 国庆节调休上班"))


class AuditFilterForm(forms.Form):
    """Filters of the audit log: action, actor, object (type and id or name), dates."""

    verb = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("By (username or name)"), max_length=150, required=False)
    target_type = forms.ChoiceField(label=_("Object type"), required=False)
    target = forms.CharField(label=_("Object (id or name)"), max_length=200, required=False)
    date_from = forms.DateField(label=pgettext_lazy("audit log", "From date"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=pgettext_lazy("audit log", "To date"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, type_choices=(), **kwargs):
        from portal.audit.verbs import verb_choices

        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", _("All")), *[(v, f"{label}（{v}）") for v, label in verb_choices()]]
        self.fields["target_type"].choices = [("", _("All")), *type_choices]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
