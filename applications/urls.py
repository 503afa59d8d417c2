from django.urls import path

from applications import views, views_documents, views_messages

app_name = "applications"

urlpatterns = [
    path("calls/", views.call_list, name="calls"),
    path("calls/new/", views.call_edit, name="call-new"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:pk>/region-classes/", views.call_region_classes, name="call-region-classes"),
    path("calls/<int:pk>/open/", views.call_transition, {"action": "open"}, name="call-open"),
    path("calls/<int:pk>/close/", views.call_transition, {"action": "close"}, name="call-close"),
    path("calls/<int:call_pk>/start/", views.start, name="start"),
    path("calls/<int:pk>/messages/", views_messages.message_templates, name="call-messages"),
    path("calls/<int:pk>/documents/", views_documents.call_documents, name="call-documents"),
    path("calls/<int:pk>/documents/<int:document_pk>/", views_documents.call_document, name="call-document"),
    path("calls/<int:pk>/messages/<str:event>/", views_messages.message_template, name="call-message"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/section/<str:key>/", views.section, name="section"),
    path("<int:pk>/section/<str:key>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/attachments/", views.upload, name="upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.download_attachment, name="attachment"),
    path("<int:pk>/attachments/<int:attachment_pk>/remove/", views.remove_upload,
         name="attachment-remove"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("<int:pk>/versions/compare/", views.compare, name="compare"),
    path("<int:pk>/versions/<int:number>/export/<str:fmt>/", views.export, name="export"),
    path("<int:pk>/versions/<int:number>/export/<str:fmt>/download/", views.export_download,
         name="export-download"),
]
