from django.urls import path

from violeta.psychology import views

app_name = "psychology"
urlpatterns = [
    path("", views.plan_detail, name="plan"),
    path("plan/nuevo/", views.plan_create, name="plan_create"),
    path("objetivos/", views.goal_add, name="goal_add"),
    path("objetivos/estado/", views.goal_status, name="goal_status"),
    path("sesiones/nueva/", views.session_create, name="session_create"),
    path("escalas/nueva/", views.scale_apply, name="scale_apply"),
    path("alta/", views.discharge, name="discharge"),
]
