from django.urls import path

from violeta.socialwork import views

app_name = "socialwork"
CASE = "expedientes/<str:folio>/trabajo-social/"
urlpatterns = [
    path("trabajo-social/solicitudes/", views.open_applications, name="open_applications"),
    path(CASE, views.case_page, name="case"),
    path(f"{CASE}valoracion/nueva/", views.assessment_create, name="assessment_create"),
    path(f"{CASE}solicitudes/nueva/", views.application_create, name="application_create"),
    path(f"{CASE}solicitudes/resultado/", views.application_outcome, name="application_outcome"),
    path(f"{CASE}orientaciones/nueva/", views.orientation_create, name="orientation_create"),
]
