from django.urls import path

from bases import views

app_name = "bases"

urlpatterns = [
    path("<int:pk>/", views.base_detail, name="base"),
    path("<int:pk>/status/", views.change_status, name="change-status"),
    path("status/<int:pk>/pdf/", views.status_document, name="status-document"),
    path("reports/", views.reports, name="reports"),
    path("reports/periods/new/", views.open_period, name="open-period"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("reports/<int:pk>/submit/", views.submit, name="submit"),
    path("reports/<int:pk>/evidence/", views.upload_evidence, name="upload-evidence"),
    path("reports/evidence/<int:pk>/remove/", views.remove_evidence, name="remove-evidence"),
    path("reports/evidence/<int:pk>/file/", views.download_evidence, name="evidence"),
    path("reports/<int:pk>/accept/", views.accept, name="accept"),
    path("reports/<int:pk>/return/", views.return_, name="return"),
]
