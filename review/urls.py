from django.urls import path

from review import views

app_name = "review"

urlpatterns = [
    path("calls/<int:call_pk>/inbox/", views.inbox, name="inbox"),
    path("calls/<int:call_pk>/coreview/", views.coreview_list, name="coreview-list"),
    path("calls/<int:call_pk>/recommendation/", views.recommendation, name="recommendation"),
    path("calls/<int:call_pk>/overview/", views.overview, name="overview"),
    path("applications/<int:pk>/", views.review_application, name="review"),
    path("applications/<int:pk>/coreview/", views.coreview, name="coreview"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation-detail"),
    path("recommendations/<int:pk>/return/", views.return_recommendation, name="recommendation-return"),
    path("recommendations/<int:pk>/letter/<str:fmt>/", views.letter, name="letter"),
]
