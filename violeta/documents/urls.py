from django.urls import path

from violeta.documents import views

app_name = "documents"
urlpatterns = [
    path("expedientes/<str:folio>/subir/", views.upload, name="upload"),
    path("<uuid:public_id>/descargar/", views.download, name="download"),
]
