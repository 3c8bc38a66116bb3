from django.urls import path

from violeta.violence import views, views_followups

app_name = "violence"
urlpatterns = [
    path("ordenes-por-vencer/", views.expiring, name="expiring"),
    path("reglas-de-seguimiento/", views_followups.followup_rules, name="followup_rules"),
    path("<str:folio>/hechos/nuevo/", views.incident_create, name="incident_create"),
    path("<str:folio>/hechos/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<str:folio>/agresores/nuevo/", views.aggressor_create, name="aggressor_create"),
    path("<str:folio>/valoraciones/nueva/", views.assessment_create, name="assessment_create"),
    path("<str:folio>/valoraciones/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("<str:folio>/plan-de-seguridad/", views.safety_plan, name="safety_plan"),
    path("<str:folio>/plan-de-seguridad/imprimir/", views.safety_plan_print, name="safety_plan_print"),
    path("<str:folio>/ordenes/nueva/", views.order_create, name="order_create"),
    path("<str:folio>/ordenes/<int:pk>/", views.order_edit, name="order_edit"),
    path("<str:folio>/trata/", views.screening_create, name="screening_create"),
    path("<str:folio>/prioridad/", views.priority, name="priority"),
]
