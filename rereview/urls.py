from django.urls import path

from rereview import views

app_name = "rereview"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/notice/", views.publish_notice, name="notice"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/revocation.<str:fmt>", views.revocation_document, name="revocation-document"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("mine/", views.mine, name="mine"),
]
