from django.urls import path

from violeta.legal import views

app_name = "legal"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("expedientes/<str:folio>/nuevo-asunto/", views.matter_create, name="matter_create"),
    path("asuntos/<int:pk>/", views.matter_detail, name="matter_detail"),
    path("asuntos/<int:pk>/editar/", views.matter_edit, name="matter_edit"),
    path("asuntos/<int:pk>/etapa/", views.matter_stage, name="matter_stage"),
    path("asuntos/<int:pk>/audiencias/nueva/", views.hearing_create, name="hearing_create"),
    path("audiencias/<int:pk>/reprogramar/", views.hearing_reschedule, name="hearing_reschedule"),
    path("audiencias/<int:pk>/cancelar/", views.hearing_cancel, name="hearing_cancel"),
    path("audiencias/<int:pk>/resultado/", views.hearing_outcome, name="hearing_outcome"),
]
