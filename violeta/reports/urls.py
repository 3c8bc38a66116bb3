from django.urls import path  # noqa: F401  (the dashboard, exports and downloads add their paths here)

app_name = "reports"

urlpatterns: list = []
