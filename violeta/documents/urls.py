from django.urls import path

from violeta.documents import views

app_name = "documents"
urlpatterns = [
    path("expedientes/<str:folio>/subir/", views.upload, name="upload"),
    path("<uuid:public_id>/descargar/", views.download, name="download"),
    path("expedientes/<str:folio>/evidencia/", views.evidence_upload, name="evidence_upload"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/ver/", views.view, name="view"),
    path("<uuid:public_id>/verificar/", views.verify, name="verify"),
    path("<uuid:public_id>/copia/", views.copy_given, name="copy_given"),
    path("<uuid:public_id>/evidencia/", views.evidence_edit, name="evidence_edit"),
]
