from django.urls import path

from violeta.portal import staff_views, views

app_name = "portal"

urlpatterns = [
    # public on purpose: the public site
    path("servicios/", views.services, name="services"),
    path("servicios/<slug:slug>/", views.service, name="service"),
    path("contacto/", views.contact, name="contact"),
    path("navega-con-seguridad/", views.safe_browsing, name="safe_browsing"),
    path("verificar/", views.verify, name="verify"),
    path("capacitaciones/solicitar/", views.training_request, name="training_request"),
    path("capacitaciones/solicitud-recibida/", views.training_request_thanks, name="training_request_thanks"),
    # staff: the director and the coordinators edit the site
    path("sitio-publico/", staff_views.entries, name="staff_entries"),
    path("sitio-publico/nuevo/", staff_views.entry_create, name="staff_entry_create"),
    path("sitio-publico/contacto/", staff_views.contact, name="staff_contact"),
    path("sitio-publico/<int:pk>/", staff_views.entry_edit, name="staff_entry_edit"),
    path("sitio-publico/<int:pk>/historial/", staff_views.entry_history, name="staff_entry_history"),
    path(
        "sitio-publico/<int:pk>/restaurar/<int:revision>/",
        staff_views.entry_restore,
        name="staff_entry_restore",
    ),
]
