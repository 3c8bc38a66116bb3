from django.urls import path

from violeta.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.flagged, name="flagged"),
    path("expedientes/<str:folio>/", views.case_audit, name="case"),
]
