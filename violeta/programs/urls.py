from django.urls import path

from violeta.programs import course_views, request_views, views, visit_views

app_name = "programs"

urlpatterns = [
    path("", views.home, name="home"),
    path("solicitudes/", request_views.request_list, name="training_request_list"),
    path("solicitudes/<int:pk>/", request_views.request_detail, name="training_request_detail"),
    path("capacitaciones/", views.training_list, name="training_list"),
    path("capacitaciones/nueva/", views.training_create, name="training_create"),
    path("capacitaciones/<int:pk>/", views.training_detail, name="training_detail"),
    path("capacitaciones/<int:pk>/sesiones/nueva/", views.session_create, name="session_create"),
    path("capacitaciones/<int:pk>/asistentes/nuevo/", views.attendee_create, name="attendee_create"),
    path("capacitaciones/<int:pk>/asistentes/importar/", views.attendee_import, name="attendee_import"),
    path(
        "capacitaciones/<int:pk>/asistentes/importar/confirmar/",
        views.attendee_import_confirm,
        name="attendee_import_confirm",
    ),
    path("capacitaciones/<int:pk>/sesiones/<int:session_pk>/lista/", views.roll_call, name="roll_call"),
    path(
        "capacitaciones/<int:pk>/sesiones/<int:session_pk>/lista/<int:attendee_pk>/",
        views.attendance_mark,
        name="attendance_mark",
    ),
    path("capacitaciones/<int:pk>/registro/abrir/", views.signup_open, name="signup_open"),
    path("capacitaciones/<int:pk>/registro/cerrar/", views.signup_close, name="signup_close"),
    path("capacitaciones/<int:pk>/constancias/emitir/", views.certificates_issue, name="certificates_issue"),
    path(
        "capacitaciones/<int:pk>/constancias/<int:certificate_pk>/",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "capacitaciones/<int:pk>/constancias/<int:certificate_pk>/revocar/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("registro/<str:token>/", views.signup, name="signup"),
    path("constancias/verificar/<str:token>/", views.certificate_verify, name="certificate_verify"),
    path("capacitaciones/<int:pk>/cuestionario/<str:phase>/", views.questionnaire, name="questionnaire"),
    path("temas/", views.topic_list, name="topic_list"),
    path("temas/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("mi-formacion/", views.staff_training, name="staff_training"),
    path("organizaciones/", views.organization_list, name="organization_list"),
    path("organizaciones/nueva/", views.organization_create, name="organization_create"),
    path("organizaciones/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizaciones/<int:pk>/editar/", views.organization_edit, name="organization_edit"),
    path("organizaciones/<int:pk>/contactos/nuevo/", views.contact_create, name="contact_create"),
    path("organizaciones/<int:pk>/convenios/nuevo/", views.agreement_create, name="agreement_create"),
    # IMM en tu empresa: visits to companies, and the consultations given there (recorded in her case file)
    path("visitas/", visit_views.visit_list, name="visit_list"),
    path("visitas/nueva/", visit_views.visit_create, name="visit_create"),
    path("visitas/<int:pk>/", visit_views.visit_detail, name="visit_detail"),
    path(
        "visitas/<int:pk>/atenciones/nueva/",
        visit_views.visit_consultation_create,
        name="visit_consultation_create",
    ),
    # Campaigns and their events, with the people reached
    path("campanas/", visit_views.campaign_list, name="campaign_list"),
    path("campanas/nueva/", visit_views.campaign_create, name="campaign_create"),
    path("campanas/<int:pk>/", visit_views.campaign_detail, name="campaign_detail"),
    path("campanas/<int:pk>/eventos/nuevo/", visit_views.campaign_event_create, name="campaign_event_create"),
    # Superación en acción
    path("cursos/", course_views.course_list, name="course_list"),
    path("cursos/nuevo/", course_views.course_create, name="course_create"),
    path("cursos/<int:pk>/", course_views.course_detail, name="course_detail"),
    path("cursos/<int:pk>/grupos/nuevo/", course_views.cohort_create, name="cohort_create"),
    path("cursos/grupos/<int:pk>/", course_views.cohort_detail, name="cohort_detail"),
    path(
        "cursos/grupos/<int:pk>/clases/nueva/",
        course_views.cohort_session_create,
        name="cohort_session_create",
    ),
    path(
        "cursos/grupos/<int:pk>/clases/<int:session_pk>/lista/",
        course_views.cohort_roll_call,
        name="cohort_roll_call",
    ),
    path(
        "cursos/grupos/<int:pk>/clases/<int:session_pk>/lista/<int:enrollment_pk>/",
        course_views.cohort_attendance_mark,
        name="cohort_attendance_mark",
    ),
    path("cursos/grupos/<int:pk>/cerrar/", course_views.cohort_complete, name="cohort_complete"),
    path("cursos/grupos/<int:pk>/inscribir/", course_views.cohort_enroll_new, name="cohort_enroll_new"),
    path("cursos/inscripciones/<int:pk>/", course_views.enrollment_detail, name="enrollment_detail"),
    path(
        "cursos/inscripciones/<int:pk>/resultado/", course_views.enrollment_outcome, name="enrollment_outcome"
    ),
    path(
        "cursos/inscripciones/<int:pk>/vinculos/nuevo/",
        course_views.enrollment_link_create,
        name="enrollment_link_create",
    ),
    path("cursos/inscripciones/<int:pk>/baja/", course_views.enrollment_withdraw, name="enrollment_withdraw"),
    path("cursos/inscribir/<str:folio>/", course_views.course_enroll, name="course_enroll"),
]
