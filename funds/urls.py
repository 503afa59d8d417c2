from django.urls import path

from funds import views

app_name = "funds"

urlpatterns = [
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/start/", views.start, name="start"),
    path("calls/<int:pk>/notice/", views.notice, name="notice"),
    path("district/", views.district_inbox, name="district-inbox"),
    path("district/<int:pk>/", views.district_review, name="district-review"),
    path("city/", views.city_calls, name="city-calls"),
    path("city/calls/<int:pk>/", views.call_manage, name="call-manage"),
    path("city/applications/<int:pk>/", views.city_review, name="city-review"),
    path("city/calls/<int:pk>/plan/", views.plan, name="plan"),
    path("city/calls/<int:pk>/plan/draft/", views.plan_draft, name="plan-draft"),
    path("city/calls/<int:pk>/plan/publish/", views.plan_publish, name="plan-publish"),
    path("city/calls/<int:pk>/plan/objections/new/", views.objection_new, name="objection-new"),
    path("city/objections/<int:pk>/decide/", views.objection_decide, name="objection-decide"),
    path("city/calls/<int:pk>/plan/submit/", views.plan_submit, name="plan-submit"),
    path("city/calls/<int:pk>/plan/approval/", views.plan_approval, name="plan-approval"),
    path("city/calls/<int:pk>/plan/approval/file/", views.approval_file, name="approval-file"),
    path("city/calls/<int:pk>/plan/issue/", views.plan_issue, name="plan-issue"),
    path("city/calls/<int:pk>/plan/document.<str:fmt>", views.plan_document, name="plan-document"),
]
