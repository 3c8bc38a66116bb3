from django.urls import path

from violeta.socialwork import views

app_name = "socialwork"
urlpatterns = [
    path("", views.case_page, name="case"),
    path("valoracion/nueva/", views.assessment_create, name="assessment_create"),
    path("solicitudes/nueva/", views.application_create, name="application_create"),
    path("solicitudes/resultado/", views.application_outcome, name="application_outcome"),
    path("orientaciones/nueva/", views.orientation_create, name="orientation_create"),
]
