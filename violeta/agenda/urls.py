from django.urls import path

from violeta.agenda import views, views_office, views_public

# Mounted at the root (violeta/urls.py): the staff pages under /agenda/, her public form under /contacto/.
app_name = "agenda"
urlpatterns = [
    path("agenda/", views.week, name="week"),
    path("agenda/dia/", views.day, name="day"),
    path("agenda/citas/nueva/", views.appointment_create, name="appointment_create"),
    path("agenda/citas/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("agenda/citas/<int:pk>/cancelar/", views.appointment_cancel, name="appointment_cancel"),
    path("agenda/citas/<int:pk>/no-asistio/", views.appointment_no_show, name="appointment_no_show"),
    path("agenda/citas/<int:pk>/atendida/", views.appointment_attend, name="appointment_attend"),
    path("agenda/citas/<int:pk>/reprogramar/", views.appointment_reschedule, name="appointment_reschedule"),
    path("agenda/citas/<int:pk>/atencion/", views.appointment_consultation, name="appointment_consultation"),
    path("agenda/llamadas/", views.call_list, name="calls"),
    path("agenda/llamadas/nueva/", views.call_create, name="call_create"),
    path("agenda/llamadas/estadistica/", views.call_stats, name="call_stats"),
    path("agenda/llamadas/<int:pk>/", views.call_detail, name="call_detail"),
    path("agenda/solicitudes/<int:pk>/no-contesto/", views.callback_no_answer, name="callback_no_answer"),
    path("agenda/solicitudes/<int:pk>/cancelar/", views.callback_cancel, name="callback_cancel"),
    path("agenda/horario/", views_office.office_hours, name="office_hours"),
    path("agenda/horario/dias-inhabiles/", views_office.holiday_add, name="holiday_add"),
    path(
        "agenda/horario/dias-inhabiles/<int:pk>/quitar/", views_office.holiday_remove, name="holiday_remove"
    ),
    path("agenda/horario/lineas/nueva/", views_office.line_create, name="line_create"),
    path("agenda/horario/lineas/<int:pk>/", views_office.line_edit, name="line_edit"),
    # Public on purpose: her request to be called back (the public site links it as agenda:callback_request).
    path("contacto/llamame/", views_public.callback_request, name="callback_request"),
    path("contacto/llamame/gracias/", views_public.callback_thanks, name="callback_thanks"),
]
