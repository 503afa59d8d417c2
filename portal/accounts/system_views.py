"""系统管理: the system administrator's screens for people, organisations, roles, the working-day calendar
and the audit log. Thin: every change goes through an audited service (portal.accounts.services,
portal.workdays.services); nothing here can make a superuser or staff, or set groups or permissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import services
from portal.accounts.forms import (
    AuditFilterForm,
    MembershipAddForm,
    OrganizationForm,
    UserCreateForm,
    UserEditForm,
    WorkdayForm,
)
from portal.accounts.models import Membership, Organization, User
from portal.audit.selectors import audit_log
from portal.audit.verbs import verb_label
from portal.formerrors import add_errors
from portal.workdays import services as workday_services
from portal.workdays.models import WorkdayOverride

PAGE_SIZE = 50
# Object types offered by the audit log's filter (the apps whose objects the log names).
AUDITED_APPS = ("accounts", "applications", "review", "publicity", "workdays")


def administrator_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("portal.system_administration"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _extra_query(request) -> str:
    params = QueryDict(mutable=True)
    for key, value in request.GET.items():
        if key != "page" and value:
            params[key] = value
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


# --- users -------------------------------------------------------------------------------------------

@administrator_required
def users(request):
    q = (request.GET.get("q") or "").strip()[:150]
    qs = User.objects.order_by("username").prefetch_related(Prefetch(
        "memberships", queryset=Membership.objects.filter(is_active=True).select_related("organization")
        .order_by("role"), to_attr="active_memberships"))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/system/users.html", {"page": page, "q": q,
                                                           "extra_query": _extra_query(request)})


@administrator_required
def user_new(request):
    form = UserCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.create_user(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The account %(user)s is created. The person sets a password with "
                                            "“Forgot password”.") % {"user": user.username})
                return redirect("system:user", pk=user.pk)
        status = 400
    return render(request, "accounts/system/user_new.html", {"form": form}, status=status)


def _user_page(request, user, *, form=None, membership_form=None, status=200):
    memberships = user.memberships.select_related("organization").order_by("-is_active", "role")
    return render(request, "accounts/system/user.html", {
        "target": user, "memberships": memberships,
        "form": form or UserEditForm(initial={"full_name": user.full_name, "email": user.email,
                                              "phone": user.phone}),
        "membership_form": membership_form or MembershipAddForm(),
        "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "is_self": user.pk == request.user.pk,
        "command_line_account": user.is_superuser or user.is_staff,
    }, status=status)


@administrator_required
def user_detail(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        form = UserEditForm(request.POST)
        if form.is_valid():
            try:
                services.update_user(user=user, actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The account is saved."))
                return redirect("system:user", pk=user.pk)
        return _user_page(request, user, form=form, status=400)
    return _user_page(request, user)


@administrator_required
@require_POST
def user_active(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    services.set_user_active(user=user, active=active, actor=request.user, request=request)
    messages.success(request, _("The account is active again.") if active else _("The account is deactivated."))
    return redirect("system:user", pk=user.pk)


@administrator_required
@require_POST
def membership_add(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = MembershipAddForm(request.POST)
    if form.is_valid():
        try:
            services.add_membership(user=user, organization=form.cleaned_data["organization"],
                                    role=form.cleaned_data["role"], actor=request.user, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("The role is granted."))
            return redirect("system:user", pk=user.pk)
    return _user_page(request, user, membership_form=form, status=400)


@administrator_required
@require_POST
def membership_remove(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("user", "organization"), pk=pk)
    try:
        services.remove_membership(membership=membership, actor=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _user_page(request, membership.user, status=400)
    messages.success(request, _("The role is removed."))
    return redirect("system:user", pk=membership.user_id)


# --- organisations -----------------------------------------------------------------------------------

@administrator_required
def organizations(request):
    q = (request.GET.get("q") or "").strip()[:120]
    qs = Organization.objects.select_related("region").order_by("name")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/system/organizations.html", {"page": page, "q": q,
                                                                   "extra_query": _extra_query(request)})


@administrator_required
def organization_edit(request, pk: int | None = None):
    organization = get_object_or_404(Organization, pk=pk) if pk else None
    form = OrganizationForm(request.POST or None, instance=organization)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                organization = services.save_organization(values=form.cleaned_data, organization=organization,
                                                          actor=request.user, request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The organisation is saved."))
                return redirect("system:organizations")
        status = 400
    return render(request, "accounts/system/organization.html", {"form": form, "organization": organization},
                  status=status)


# --- working-day calendar ------------------------------------------------------------------------------

@administrator_required
def workdays(request):
    form = WorkdayForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            workday_services.save_override(day=form.cleaned_data["date"], is_workday=form.cleaned_data["is_workday"],
                                           note=form.cleaned_data["note"], actor=request.user, request=request)
            messages.success(request, _("The working-day calendar is saved."))
            return redirect("system:workdays")
        status = 400
    page = Paginator(WorkdayOverride.objects.order_by("-date"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/system/workdays.html", {"form": form, "page": page, "extra_query": ""},
                  status=status)


@administrator_required
@require_POST
def workday_delete(request, pk: int):
    override = get_object_or_404(WorkdayOverride, pk=pk)
    workday_services.delete_override(override=override, actor=request.user, request=request)
    messages.success(request, _("The day is removed from the calendar's overrides."))
    return redirect("system:workdays")


# --- audit log -----------------------------------------------------------------------------------------

@administrator_required
def audit(request):
    types = ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model")
    type_choices = [(str(t.pk), str(t.model_class()._meta.verbose_name) if t.model_class() else t.model)
                    for t in types]
    form = AuditFilterForm(request.GET or None, type_choices=type_choices)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_log(verb=filters.get("verb") or "", actor=(filters.get("actor") or "").strip(),
                       target_type_id=int(filters["target_type"]) if filters.get("target_type") else None,
                       target=(filters.get("target") or "").strip(), date_from=filters.get("date_from"),
                       date_to=filters.get("date_to"))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(type_choices)
    rows = [{"event": e, "action": verb_label(e.verb),
             "type": labels.get(str(e.target_type_id), "") if e.target_type_id else ""} for e in page]
    return render(request, "accounts/system/audit.html", {
        "form": form, "page": page, "rows": rows, "extra_query": _extra_query(request),
    }, status=200 if form.is_valid() or not request.GET else 400)
