from django.urls import path

from violeta.messaging import views

app_name = "messaging"
urlpatterns = [
    # The provider's signed delivery reports (the path every message sent so far gave Twilio).
    path("mia/sms/estado/", views.status_callback, name="status"),
]
