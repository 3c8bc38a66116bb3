"""The privacy notices, public on purpose at stable addresses (the integral one is cited in the simplified one)."""

from django.urls import path

from violeta.people import views

app_name = "privacy_notice"
urlpatterns = [
    path("", views.privacy_notice_integral, name="integral"),
    path("simplificado/", views.privacy_notice_simplified, name="simplified"),
    path("simplificado/imprimir/", views.privacy_notice_simplified_print, name="simplified_print"),
]
