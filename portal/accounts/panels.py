from django.template.loader import render_to_string
from django_otp.plugins.otp_totp.models import TOTPDevice


def system_panel(request) -> str:
    """Users with a two-factor device, for a system administrator to reset (a lost phone)."""
    devices = (TOTPDevice.objects.filter(confirmed=True).exclude(user=request.user)  # one's own: another admin
               .select_related("user").order_by("user__username"))
    return render_to_string("accounts/panels/two_factor_users.html", {"devices": devices}, request=request)
