from django.urls import path

from violeta.portal import views

app_name = "portal"

urlpatterns = [
    path("navega-con-seguridad/", views.safe_browsing, name="safe_browsing"),
]
