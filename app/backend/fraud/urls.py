from django.urls import path

from fraud import views

urlpatterns = [
    path("fraud/score", views.ScoreView.as_view(), name="fraud-score"),
    path("admin/fraud/summary", views.SummaryView.as_view(), name="fraud-summary"),
    path("admin/fraud/flagged", views.FlaggedView.as_view(), name="fraud-flagged"),
    path("admin/fraud/export.csv", views.ExportView.as_view(), name="fraud-export"),
    path("admin/fraud/models", views.ModelListView.as_view(), name="fraud-models"),
    path("admin/fraud/models/rollback", views.RollbackView.as_view(), name="fraud-rollback"),
    path(
        "admin/fraud/models/<int:version>/activate",
        views.ActivateView.as_view(),
        name="fraud-activate",
    ),
]
