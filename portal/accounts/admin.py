from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import MembershipForm, OrganizationForm
from portal.accounts.models import Membership, Organization, Region, Role, User


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Portal"), {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _grant_if_sysadmin(form.instance)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "national_class", "provincial_class",
                    "is_outsourcing_demo_city", "is_trade_pilot")
    list_filter = ("level", "national_class", "provincial_class")
    search_fields = ("code", "name")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ("name", "kind", "region", "credit_code", "park_types")
    list_filter = ("kind",)
    search_fields = ("name", "credit_code")
    list_select_related = ("region",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "organization__name")
    autocomplete_fields = ("user", "organization")
    list_select_related = ("user", "organization")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _grant_if_sysadmin(obj.user)


def _grant_if_sysadmin(user) -> None:
    """A system administrator membership, however added, comes with staff access and its group."""
    from portal.accounts.services import grant_system_administration

    if user.memberships.filter(role=Role.SYSADMIN, is_active=True).exists():
        grant_system_administration(user=user)
