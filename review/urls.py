from django.urls import path

from review import views, views_experts

app_name = "review"

urlpatterns = [
    # the recommending unit (city, or province in a national call)
    path("calls/<int:call_pk>/inbox/", views.inbox, name="inbox"),
    path("calls/<int:call_pk>/coreview/", views.coreview_list, name="coreview-list"),
    path("calls/<int:call_pk>/recommendation/", views.recommendation, name="recommendation"),
    path("applications/<int:pk>/", views.review_application, name="review"),
    path("applications/<int:pk>/coreview/", views.coreview, name="coreview"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation-detail"),
    path("recommendations/<int:pk>/return/", views.return_recommendation, name="recommendation-return"),
    path("recommendations/<int:pk>/letter/<str:fmt>/", views.letter, name="letter"),
    # the organiser
    path("calls/<int:call_pk>/overview/", views.overview, name="overview"),
    path("calls/<int:call_pk>/formal/", views_experts.formal_list, name="formal"),
    path("applications/<int:pk>/formal/", views_experts.formal_decide, name="formal-decide"),
    path("experts/", views_experts.expert_pool, name="experts"),
    path("experts/template.xlsx", views_experts.expert_template, name="experts-template"),
    path("calls/<int:call_pk>/panels/", views_experts.panels, name="panels"),
    path("calls/<int:call_pk>/conflicts/", views_experts.conflicts, name="conflicts"),
    path("conflicts/<int:pk>/", views_experts.conflict_decide, name="conflict-decide"),
    path("calls/<int:call_pk>/assignments/", views_experts.assignments, name="assignments"),
    path("applications/<int:pk>/assign/", views_experts.assign_manually, name="assign"),
    path("calls/<int:call_pk>/rubric/", views_experts.rubric, name="rubric"),
    path("calls/<int:call_pk>/ranking/", views_experts.ranking, name="ranking"),
    path("calls/<int:call_pk>/ranking.<str:fmt>", views_experts.ranking_export, name="ranking-export"),
    path("sheets/<int:pk>/reopen/", views_experts.reopen_sheet, name="sheet-reopen"),
    path("calls/<int:call_pk>/candidates/propose/", views_experts.propose, name="propose"),
    path("calls/<int:call_pk>/candidates/", views_experts.candidates, name="candidates"),
    # experts
    path("tasks/<int:pk>/", views_experts.task, name="task"),
    path("calls/<int:call_pk>/panel/", views_experts.panel_opinions, name="panel-opinions"),
    path("applications/<int:pk>/discussion/", views_experts.discussion, name="discussion"),
]
