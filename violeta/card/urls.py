from django.urls import path

from violeta.card import views

app_name = "card"
urlpatterns = [
    # public on purpose: her application, the directory, her digital card (by its unguessable link)
    path("solicitar/", views.apply, name="apply"),
    path("solicitar/recibida/", views.apply_thanks, name="apply_thanks"),
    path("comercios/", views.directory, name="directory"),
    path("mi-tarjeta/<str:token>/", views.holder_card, name="holder_card"),
    path("mi-tarjeta/<str:token>/pdf/", views.holder_card_pdf, name="holder_card_pdf"),
    # merchants: validation only
    path("validar/", views.validate, name="validate"),
    path("v/<str:token>/", views.validate_token, name="validate_token"),
    # program office
    path("oficina/", views.office, name="office"),
    path("oficina/aprobar/", views.approve_bulk, name="approve_bulk"),
    path("oficina/nueva/", views.desk_application, name="desk_application"),
    path("oficina/solicitud/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "oficina/solicitud/<int:pk>/accion/<str:action>/", views.application_action, name="application_action"
    ),
    path("oficina/solicitud/<int:pk>/documento/<int:doc>/", views.document, name="document"),
    path("oficina/tarjeta/<int:pk>/pdf/", views.card_pdf, name="card_pdf"),
    path("oficina/tarjeta/<int:pk>/accion/<str:action>/", views.card_action, name="card_action"),
    path("oficina/entregas/", views.deliveries, name="deliveries"),
    path("oficina/estadisticas/", views.stats, name="stats"),
    path("oficina/comercios/", views.merchant_list, name="merchant_list"),
    path("oficina/comercios/nuevo/", views.merchant_edit, name="merchant_create"),
    path("oficina/comercios/<int:pk>/", views.merchant_edit, name="merchant_edit"),
]
