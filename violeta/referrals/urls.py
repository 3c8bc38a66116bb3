from django.urls import path

from violeta.cases import views as case_views
from violeta.referrals import views

app_name = "referrals"
urlpatterns = [
    path("instituciones/", views.institution_list, name="institutions"),
    path("instituciones/nueva/", views.institution_edit, name="institution_create"),
    path("instituciones/<int:pk>/", views.institution_edit, name="institution_edit"),
    path("vencidas/", views.overdue, name="overdue"),
    path("expediente/<str:folio>/", views.case_referrals, name="case_list"),
    path("expediente/<str:folio>/nueva/", views.referral_create, name="create"),
    path("verificar/<str:token>/", views.verify, name="verify"),
    path("enlace/", views.liaison_inbox, name="liaison_inbox"),
    path("enlace/nueva/", views.inbound_create, name="inbound_create"),
    path("enlace/<str:folio>/", views.liaison_detail, name="liaison_detail"),
    path("enlace/<str:folio>/respuesta/", views.liaison_answer, name="liaison_answer"),
    path("enlace/<str:folio>/oficio.pdf", views.liaison_letter, name="liaison_letter"),
    path(
        "enlace/<str:folio>/contrarreferencia/", views.liaison_counter_letter, name="liaison_counter_letter"
    ),
    path("recibidas/", views.inbound_list, name="inbound_list"),
    # The intake interview prefilled from the referral, opened by the one intake view (cases.intake).
    path(
        "recibidas/<int:pk>/entrevista/",
        case_views.intake,
        {"source": "inbound_referral"},
        name="inbound_intake",
    ),
    path("recibidas/<int:pk>/descartar/", views.inbound_dismiss, name="inbound_dismiss"),
    path("<str:folio>/", views.referral_detail, name="detail"),
    path("<str:folio>/enviar/", views.referral_send, name="send"),
    path("<str:folio>/editar/", views.referral_edit, name="edit"),
    path("<str:folio>/cancelar/", views.referral_cancel, name="cancel"),
    path("<str:folio>/respuesta/", views.referral_answer, name="answer"),
    path("<str:folio>/oficio.pdf", views.referral_letter, name="letter"),
    path("<str:folio>/contrarreferencia/", views.counter_letter, name="counter_letter"),
]
