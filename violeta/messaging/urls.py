from django.urls import path

from violeta.messaging import views, views_health, views_whatsapp

app_name = "messaging"
urlpatterns = [
    # The provider's signed delivery reports (the path every message sent so far gave Twilio).
    path("mia/sms/estado/", views.status_callback, name="status"),
    # The progress of the voice calls (the path every call placed gave Twilio).
    path("mia/llamada/estado/", views.voice_status_callback, name="voice_status"),
    # WhatsApp's verification (GET) and signed status reports (POST).
    path("mia/whatsapp/estado/", views_whatsapp.whatsapp_status, name="whatsapp_status"),
    # Probes (docs/deployment.md): the process answers; the database, the sender and the outbox are fine.
    path("healthz", views_health.healthz, name="healthz"),
    path("readyz", views_health.readyz, name="readyz"),
]
