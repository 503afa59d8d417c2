from captcha import views as captcha_views
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from bases import views as bases_views
from portal import observability
from portal.accounts import views as account_views
from portal.home import help as help_views
from portal.home import views as home_views
from portal.home.workspaces import WORKSPACES
from publicapi.api import api as public_api

# The Django admin is for superusers created on the command line only; system administrators use the
# portal's 系统管理 screens (/system/), whose services cannot make anyone staff or superuser.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", home_views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("portal/favicon.svg"), permanent=True), name="favicon"),
    path("help/", help_views.help_index, name="help"),
    path("help/<str:slug>/", help_views.help_guide, name="help-guide"),
    path("help/img/<str:name>", help_views.help_image, name="help-image"),
    path("metrics", observability.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("system/", include("portal.accounts.system_urls")),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", account_views.two_factor, name="two-factor"),
    path("accounts/2fa/reset/<int:user_pk>/", account_views.reset_two_factor, name="two-factor-reset"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password/change/done/",
         auth_views.PasswordChangeDoneView.as_view(
             template_name="accounts/password_change_done.html"),
         name="password_change_done"),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password/reset/done/",
         auth_views.PasswordResetDoneView.as_view(
             template_name="accounts/password_reset_done.html"),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/",
         auth_views.PasswordResetConfirmView.as_view(
             template_name="accounts/password_reset_confirm.html"),
         name="password_reset_confirm"),
    path("accounts/reset/done/",
         auth_views.PasswordResetCompleteView.as_view(
             template_name="accounts/password_reset_complete.html"),
         name="password_reset_complete"),
    path("notifications/", include("portal.notifications.urls")),
    path("applications/", include("applications.urls")),
    path("review/", include("review.urls")),
    path("publicity/", include("publicity.urls")),
    path("bases/", bases_views.directory, name="bases"),
    path("bases/", include("bases.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("api/v1/", public_api.urls),  # the open-data API (publicapi), read-only
    path("workdays/", include("portal.workdays.urls")),
    # The image captcha of the public objection form (django-simple-captcha) and its refresh; no audio.
    path("captcha/image/<str:key>/", captcha_views.captcha_image, {"scale": 1}, name="captcha-image"),
    path("captcha/refresh/", captcha_views.captcha_refresh, name="captcha-refresh"),
    path("language/<str:code>/", home_views.switch_language, name="switch-language"),
    path("workspace/", home_views.workspace, name="workspace"),
    *[
        path(f"workspace/{ws.key}/", home_views.role_workspace, {"key": ws.key}, name=ws.url_name)
        for ws in WORKSPACES
    ],
]

handler403 = "portal.home.views.permission_denied"
handler404 = "portal.home.views.page_not_found"
handler500 = "portal.home.views.server_error"
