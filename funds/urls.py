from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/start/", views.start, name="start"),
    path("calls/<int:pk>/notice/", views.notice, name="notice"),
    path("calls/<int:pk>/notice/object/", views.object_form, name="notice-object"),
    path("calls/<int:pk>/notice/object/received/", views.objection_receipt, name="objection-receipt"),
    path("calls/<int:pk>/notice/object/status/", views.objection_status, name="objection-status"),
    path("district/", views.district_inbox, name="district-inbox"),
    path("district/<int:pk>/", views.district_review, name="district-review"),
    path("city/", views.city_calls, name="city-calls"),
    path("city/calls/new/", views.call_new, name="call-new"),
    path("city/calls/<int:pk>/", views.call_manage, name="call-manage"),
    path("city/calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("city/calls/<int:pk>/items/", views.call_items, name="call-items"),
    path("city/calls/<int:pk>/open/", views.call_open, name="call-open"),
    path("city/calls/<int:pk>/close/", views.call_close, name="call-close"),
    path("city/applications/<int:pk>/", views.city_review, name="city-review"),
    path("city/calls/<int:pk>/plan/", views.plan, name="plan"),
    path("city/calls/<int:pk>/plan/draft/", views.plan_draft, name="plan-draft"),
    path("city/calls/<int:pk>/plan/publish/", views.plan_publish, name="plan-publish"),
    path("city/calls/<int:pk>/plan/objections/new/", views.objection_new, name="objection-new"),
    path("city/objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
    path("city/objections/<int:pk>/reveal/", views.objection_reveal, name="objection-reveal"),
    path("city/calls/<int:pk>/plan/submit/", views.plan_submit, name="plan-submit"),
    path("city/calls/<int:pk>/plan/approval/", views.plan_approval, name="plan-approval"),
    path("city/calls/<int:pk>/plan/approval/file/", views.approval_file, name="approval-file"),
    path("city/calls/<int:pk>/plan/issue/", views.plan_issue, name="plan-issue"),
    path("city/calls/<int:pk>/plan/document.<str:fmt>", views.plan_document, name="plan-document"),
]
