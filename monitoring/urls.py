from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("bases/<int:pk>/", views.base_detail, name="base"),
    path("annual-reports.xlsx", views.export, name="export"),
]
