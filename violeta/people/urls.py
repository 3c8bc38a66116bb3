from django.urls import path

from violeta.people import views, views_consents

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/editar/", views.person_edit, name="edit"),
    path("<int:pk>/contacto-seguro/", views.safe_contact_edit, name="safe_contact"),
    path("<int:pk>/consentimientos/nuevo/", views_consents.consent_add, name="consent_add"),
    path("<int:pk>/consentimientos/<int:consent_pk>/", views_consents.consent_detail, name="consent_detail"),
    path(
        "<int:pk>/consentimientos/<int:consent_pk>/retirar/",
        views_consents.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<int:pk>/consentimientos/<int:consent_pk>/firma.png",
        views_consents.consent_signature,
        name="consent_signature",
    ),
    path("consentimientos/vigencia/", views_consents.consent_validity, name="consent_validity"),
]
