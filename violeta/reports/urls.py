from django.urls import path

from violeta.reports import views, views_council, views_exports

app_name = "reports"

urlpatterns: list = [
    path("informe-cabildo/", views_council.council, name="council"),
    path("informe-cabildo/narrativa/", views_council.council_narrative, name="council_narrative"),
    path("descargas/", views_exports.export_page, name="exports"),
    path("descargas/cifras/", views_exports.export_download, name="export_download"),
    path("descargas/banavim/", views_exports.banavim_download, name="banavim_download"),
    path("", views.dashboard, name="dashboard"),
    path("colonias.geojson", views.colonias_shapes, name="colonias"),
]
