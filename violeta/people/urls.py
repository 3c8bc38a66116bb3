from django.urls import path

from violeta.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_search, name="search"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/editar/", views.person_edit, name="edit"),
    path("<int:pk>/contacto-seguro/", views.safe_contact_edit, name="safe_contact"),
    path("<int:pk>/consentimientos/nuevo/", views.consent_add, name="consent_add"),
]
