from django.urls import path

from violeta.psychology import views

app_name = "psychology"
CASE = "expedientes/<str:folio>/psicologia/"
urlpatterns = [
    path("psicologia/", views.my_plans, name="my_plans"),
    path(CASE, views.plan_detail, name="plan"),
    path(f"{CASE}plan/nuevo/", views.plan_create, name="plan_create"),
    path(f"{CASE}plan/editar/", views.plan_update, name="plan_update"),
    path(f"{CASE}objetivos/", views.goal_add, name="goal_add"),
    path(f"{CASE}objetivos/estado/", views.goal_status, name="goal_status"),
    path(f"{CASE}sesiones/nueva/", views.session_create, name="session_create"),
    path(f"{CASE}escalas/nueva/", views.scale_apply, name="scale_apply"),
    path(f"{CASE}alta/", views.discharge, name="discharge"),
]
