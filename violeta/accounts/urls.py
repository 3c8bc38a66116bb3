from django.urls import path

from violeta.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.staff_list, name="staff_list"),
    path("nueva/", views.staff_create, name="staff_create"),
    path("<int:pk>/", views.staff_edit, name="staff_edit"),
    path("<int:pk>/cerrar-sesiones/", views.staff_end_sessions, name="staff_end_sessions"),
    path("solicitudes-de-rol/", views.grant_list, name="grant_list"),
    path("solicitudes-de-rol/<int:pk>/", views.grant_decide, name="grant_decide"),
]
