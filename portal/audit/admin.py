from django.contrib import admin

from portal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log can be searched and read, never changed or deleted."""

    list_display = ("created_at", "actor", "organization", "verb", "target_repr", "ip_address")
    list_filter = ("verb", "target_type")
    search_fields = ("verb", "target_repr", "actor__username", "actor__full_name")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "organization")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
