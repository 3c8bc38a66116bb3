from django.urls import path

from violeta.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/abrir/", views.open_notice, name="open"),
    path("leidos/", views.mark_all_read, name="mark_all_read"),
    path("sin-leer/", views.unread_badge, name="unread_badge"),
]
