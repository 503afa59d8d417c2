"""The Django admin: for superusers created on the command line only (see portal/urls.py). People and roles
are managed in the portal's 系统管理 screens; roles change only through the audited services, so the admin
shows memberships read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.accounts.forms import OrganizationForm
from portal.accounts.models import Membership, Organization, Region, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    fields = readonly_fields = ("organization", "role", "is_active", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Portal"), {"fields": ("full_name", "phone")}),)
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    search_fields = ("username", "full_name", "email")
    inlines = [MembershipInline]


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
    """Read-only: grants and removals go through add_membership / remove_membership (audited)."""

    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "organization__name")
    list_select_related = ("user", "organization")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
