import base64
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from portal import ratelimit
from portal.accounts import security
from portal.accounts.forms import LoginForm
from portal.accounts.middleware import owes_second_factor
from portal.accounts.models import User
from portal.audit.services import record_event
from portal.clientip import client_ip


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def lockout(request, response=None, credentials=None):
    """Shown by django-axes after too many failed sign-ins: says when to try again."""
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked.html",
        {"retry_at": retry_at, "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password needs a session verified with the second factor whenever the user must use one
    (the middleware sends them to it; this holds even if the view is mounted elsewhere)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and owes_second_factor(request.user):
            return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return super().dispatch(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset requests are limited per e-mail address (whether or not an account has it, so that the limit
    reveals nothing) and per client address; beyond the limit the form says when to try again (429)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        limits = settings.PASSWORD_RESET_LIMITS
        email = form.cleaned_data["email"].strip().lower()
        ip = client_ip(self.request)
        try:
            if ip:
                ratelimit.hit(f"password-reset:ip:{ip}", limits["per_ip"], limits["window_seconds"])
            ratelimit.hit(f"password-reset:email:{email}", limits["per_email"], limits["window_seconds"])
        except ratelimit.RateLimited as exc:
            retry_at = timezone.localtime(timezone.now() + timedelta(seconds=exc.retry_after))
            form.add_error("email", _("Too many password-reset requests. Try again after %(time)s.")
                           % {"time": f"{retry_at:%H:%M}"})
            record_event(verb="password_reset.limited", request=self.request)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Code"), max_length=20, help_text=_(
        "The 6-digit code from your authenticator app, or one of your recovery codes."))


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url("workspace")


@login_required
def two_factor(request):
    """Verify with a code, or enrol a first device (QR code, then recovery codes shown once)."""
    user = request.user
    enrolled = security.has_confirmed_device(user)
    form = TokenForm(request.POST or None)
    status = 200
    if enrolled:
        if request.method == "POST" and form.is_valid():
            device = security.verify(user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                record_event(verb="2fa.verified", actor=user, target=user, request=request)
                return redirect(_safe_next(request))
            form.add_error("token", _("This code is not valid. Check the time on your phone, or use a recovery code."))
            status = 400
        return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request)},
                      status=status)
    device = security.pending_device(user)
    if request.method == "POST" and form.is_valid():
        codes = security.confirm_enrolment(user=user, device=device, token=form.cleaned_data["token"],
                                           request=request)
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/two_factor_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("token", _("This code is not valid. Scan the QR code again and enter the current code."))
        status = 400
    qr = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(encoding="unicode")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form, "qr": mark_safe(qr), "secret": secret, "next": _safe_next(request),  # noqa: S308 - our own SVG
    }, status=status)


@login_required
@require_POST
def reset_two_factor(request, user_pk: int):
    target = get_object_or_404(User, pk=user_pk)
    security.reset_two_factor(user=target, actor=request.user, request=request)
    messages.success(request, _("Two-factor sign-in of %(user)s is reset; they will enrol again at next sign-in.")
                     % {"user": target.display_name})
    return redirect("workspace-system")


def axes_username(request, credentials=None) -> str:
    """The username django-axes records: at most what the column holds (hostile input is longer)."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username") or "")[:150]
