from django.urls import path

from violeta.dataimport import views

app_name = "dataimport"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("nueva/", views.upload, name="upload"),
    path("<int:pk>/columnas/", views.mapping, name="mapping"),
    path("<int:pk>/vista-previa/", views.preview, name="preview"),
    path("<int:pk>/filas/", views.rows_update, name="rows_update"),
    path("<int:pk>/iniciar/", views.start, name="start"),
    path("<int:pk>/abandonar/", views.abandon, name="abandon"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/progreso/", views.job_progress, name="progress"),
    path("<int:pk>/reporte.csv", views.report, name="report"),
]
