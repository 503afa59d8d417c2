from django.urls import path

from publicity import views

app_name = "publicity"

urlpatterns = [
    path("", views.notice_list, name="notices"),
    path("<int:pk>/", views.notice_detail, name="notice"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice-pdf"),
    path("<int:pk>/object/", views.object_form, name="object"),
    path("objections/status/", views.objection_status, name="objection-status"),
    path("objections/<str:code>/", views.objection_receipt, name="objection-receipt"),
    path("objections/<str:code>/receipt.pdf", views.objection_receipt_pdf, name="objection-receipt-pdf"),
    path("designations/<int:call_pk>/document.<str:fmt>", views.designation_document, name="designation-document"),
    path("manage/calls/<int:call_pk>/", views.manage_notice, name="manage-notice"),
    path("manage/calls/<int:call_pk>/designate/", views.designate, name="designate"),
    path("manage/calls/<int:call_pk>/designation/offline/", views.designation_offline, name="designation-offline"),
    path("manage/calls/<int:call_pk>/designation/publish/", views.designation_publish, name="designation-publish"),
    path("manage/calls/<int:call_pk>/designation/countersigns/<int:pk>/scan", views.countersign_scan,
         name="countersign-scan"),
    path("countersign/calls/<int:call_pk>/", views.countersign, name="countersign"),
    path("manage/calls/<int:call_pk>/letters/new/", views.postal_objection, name="postal-objection"),
    path("manage/calls/<int:call_pk>/objections/not-accepted/", views.not_accept_objections,
         name="objections-not-accept"),
    path("manage/objections/<int:pk>/", views.manage_objection, name="objection-manage"),
    path("manage/objections/<int:pk>/files/<int:file_pk>/", views.objection_file, name="objection-file"),
]
