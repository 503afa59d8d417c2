from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
