from django.urls import path

from violeta.privacy import views

app_name = "privacy"
urlpatterns = [
    path("arco/", views.arco_list, name="arco_list"),
    path("arco/nueva/", views.arco_create, name="arco_create"),
    path("arco/<int:pk>/", views.arco_detail, name="arco_detail"),
    path("arco/<int:pk>/iniciar/", views.arco_start, name="arco_start"),
    path("arco/<int:pk>/responder/", views.arco_answer, name="arco_answer"),
    path("arco/<int:pk>/negar/", views.arco_refuse, name="arco_refuse"),
    path("arco/<int:pk>/prorrogar/", views.arco_extend, name="arco_extend"),
    path("arco/<int:pk>/exportar/", views.arco_export, name="arco_export"),
    path("arco/<int:pk>/rectificar/", views.arco_rectify, name="arco_rectify"),
    path("arco/<int:pk>/bloquear/", views.arco_block, name="arco_block"),
    path("arco/<int:pk>/oponer/", views.arco_oppose, name="arco_oppose"),
    path("bloqueos/", views.blocked_list, name="blocked_list"),
    path("vulneraciones/", views.breach_list, name="breach_list"),
    path("vulneraciones/nueva/", views.breach_create, name="breach_create"),
    path("vulneraciones/<int:pk>/", views.breach_detail, name="breach_detail"),
    path("enlace/rectificaciones/", views.liaison_notices, name="liaison_notices"),
    path("enlace/rectificaciones/<int:pk>/", views.liaison_notice, name="liaison_notice"),
]
