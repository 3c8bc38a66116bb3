from django.urls import path

from violeta.agenda import views

app_name = "agenda"
urlpatterns = [
    path("", views.week, name="week"),
    path("dia/", views.day, name="day"),
    path("citas/nueva/", views.appointment_create, name="appointment_create"),
    path("citas/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("citas/<int:pk>/cancelar/", views.appointment_cancel, name="appointment_cancel"),
    path("citas/<int:pk>/no-asistio/", views.appointment_no_show, name="appointment_no_show"),
    path("citas/<int:pk>/atendida/", views.appointment_attend, name="appointment_attend"),
    path("citas/<int:pk>/reprogramar/", views.appointment_reschedule, name="appointment_reschedule"),
    path("citas/<int:pk>/atencion/", views.appointment_consultation, name="appointment_consultation"),
    path("llamadas/", views.call_list, name="calls"),
    path("llamadas/nueva/", views.call_create, name="call_create"),
    path("llamadas/estadistica/", views.call_stats, name="call_stats"),
    path("llamadas/<int:pk>/", views.call_detail, name="call_detail"),
]
