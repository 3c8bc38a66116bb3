from django.urls import path

from violeta.cases import views, views_internal_protocol, views_pending

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("nueva-entrevista/", views.intake, name="intake"),
    path("nueva-entrevista/coincidencias/", views.intake_duplicates, name="intake_duplicates"),
    path("nueva-entrevista/pedir-acceso/", views.request_to_join, name="request_to_join"),
    path("acceso-de-emergencia/", views.break_glass, name="break_glass"),
    path(
        "protocolo-interno/designaciones/",
        views_internal_protocol.designations,
        name="protocol_designations",
    ),
    path("pendientes/", views_pending.my_pending, name="pending"),
    path("pendientes/cuenta/", views_pending.pending_count, name="pending_count"),
    path("<str:folio>/", views.case_detail, name="detail"),
    path("<str:folio>/atenciones/nueva/", views.consultation_create, name="consultation_create"),
    path("<str:folio>/cerrar/", views.case_close, name="close"),
    path("<str:folio>/reabrir/", views.case_reopen, name="reopen"),
    path("<str:folio>/equipo/", views.case_team_add, name="team_add"),
    path("<str:folio>/equipo/<int:user_id>/quitar/", views.case_team_remove, name="team_remove"),
    path("<str:folio>/personas/nueva/", views.case_party_add, name="party_add"),
    path(
        "<str:folio>/protocolo-interno/",
        views_internal_protocol.internal_protocol_open,
        name="internal_protocol",
    ),
]
