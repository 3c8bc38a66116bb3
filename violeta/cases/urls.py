from django.urls import path

from violeta.cases import (
    views,
    views_approvals,
    views_fields,
    views_internal_protocol,
    views_pending,
    views_plan,
)

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
    path("campos-de-entrevista/", views_fields.intake_fields_page, name="intake_fields"),
    path("campos-de-entrevista/propios/nuevo/", views_fields.custom_field_edit, name="custom_field_create"),
    path("campos-de-entrevista/propios/<int:pk>/", views_fields.custom_field_edit, name="custom_field_edit"),
    path("campos-de-entrevista/<str:name>/", views_fields.intake_field_edit, name="intake_field_edit"),
    path("campos-de-entrevista/<str:name>/mover/", views_fields.intake_field_move, name="intake_field_move"),
    path("aprobaciones/", views_approvals.approval_list, name="approvals"),
    path("aprobaciones/configuracion/", views_approvals.approval_rules, name="approval_rules"),
    path("aprobaciones/<int:pk>/", views_approvals.approval_detail, name="approval"),
    path("pendientes/", views_pending.my_pending, name="pending"),
    path("pendientes/cuenta/", views_pending.pending_count, name="pending_count"),
    path("<str:folio>/", views.case_detail, name="detail"),
    path("<str:folio>/atenciones/", views.case_consultations, name="consultations"),
    path("<str:folio>/atenciones/nueva/", views.consultation_create, name="consultation_create"),
    path("<str:folio>/cerrar/", views.case_close, name="close"),
    path("<str:folio>/reabrir/", views.case_reopen, name="reopen"),
    path("<str:folio>/equipo/", views.case_team_add, name="team_add"),
    path("<str:folio>/equipo/<int:user_id>/quitar/", views.case_team_remove, name="team_remove"),
    path("<str:folio>/personas/nueva/", views.case_party_add, name="party_add"),
    path("<str:folio>/datos-adicionales/", views_fields.custom_values_edit, name="custom_values"),
    path(
        "<str:folio>/protocolo-interno/",
        views_internal_protocol.internal_protocol_open,
        name="internal_protocol",
    ),
    path("<str:folio>/plan/", views_plan.plan_detail, name="plan"),
    path("<str:folio>/plan/imprimir/", views_plan.plan_print, name="plan_print"),
    path("<str:folio>/plan/solicitar-aprobacion/", views_plan.plan_submit, name="plan_submit"),
    path("<str:folio>/plan/metas/nueva/", views_plan.goal_edit, name="plan_goal_add"),
    path("<str:folio>/plan/metas/<int:goal_id>/", views_plan.goal_edit, name="plan_goal_edit"),
    path(
        "<str:folio>/plan/metas/<int:goal_id>/servicios/nuevo/",
        views_plan.service_edit,
        name="plan_service_add",
    ),
    path("<str:folio>/plan/servicios/<int:service_id>/", views_plan.service_edit, name="plan_service_edit"),
]
