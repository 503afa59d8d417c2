from django.urls import path

from portal.accounts import system_views as views

app_name = "system"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user-new"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/active/", views.user_active, name="user-active"),
    path("users/<int:pk>/roles/", views.membership_add, name="membership-add"),
    path("roles/<int:pk>/remove/", views.membership_remove, name="membership-remove"),
    path("organisations/", views.organizations, name="organizations"),
    path("organisations/new/", views.organization_edit, name="organization-new"),
    path("organisations/<int:pk>/", views.organization_edit, name="organization"),
    path("workdays/", views.workdays, name="workdays"),
    path("workdays/<int:pk>/delete/", views.workday_delete, name="workday-delete"),
    path("audit/", views.audit, name="audit"),
]
