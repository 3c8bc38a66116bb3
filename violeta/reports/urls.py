from django.urls import path

from violeta.reports import views_council

app_name = "reports"

urlpatterns: list = [
    path("informe-cabildo/", views_council.council, name="council"),
    path("informe-cabildo/narrativa/", views_council.council_narrative, name="council_narrative"),
]
