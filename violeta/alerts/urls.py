from django.urls import path

from violeta.alerts import views, views_app, views_dispatch, views_staff, views_timer

app_name = "alerts"
urlpatterns = [
    # The app (PWA): public shell; the app authenticates its API calls with its own device token.
    path("mia/", views_app.app, name="app"),
    path("mia/manifest.webmanifest", views_app.manifest, name="manifest"),
    path("mia/sw.js", views_app.service_worker, name="service_worker"),
    # Contacts: the live page of an alert and the confirmation of an invitation, by unguessable token.
    path("a/<str:token>/", views.live, name="live"),
    path("a/<str:token>/estado/", views.live_state, name="live_state"),
    path("a/<str:token>/enterado/", views.live_ack, name="live_ack"),
    path("c/<str:token>/", views.contact_confirm, name="contact_confirm"),
    # 9-1-1 / C4: the dispatcher's own link to the same live page (alerts.services.dispatch).
    path("d/<str:token>/", views_dispatch.dispatch_live, name="dispatch_live"),
    path("d/<str:token>/estado/", views_dispatch.dispatch_live_state, name="dispatch_live_state"),
    # "Acompáñame": a follower's view of her trip, by unguessable token.
    path("acompaname/<str:token>/", views_timer.follow, name="timer_follow"),
    path("acompaname/<str:token>/estado/", views_timer.follow_state, name="timer_follow_state"),
    # The SMS provider's signed webhook for replies (delivery reports: violeta.messaging.urls).
    path("mia/sms/entrante/", views.sms_inbound, name="sms_inbound"),
    # Staff: link her app account to her record (with her consent).
    path("personas/<int:pk>/mia/", views_staff.person_link, name="person_link"),
    # The console (alert monitors).
    path("mia/consola/", views.console, name="console"),
    path("mia/consola/alertas/", views.console_list, name="console_list"),
    path("mia/consola/<uuid:public_id>/", views.console_detail, name="console_detail"),
    path("mia/consola/<uuid:public_id>/linea/", views.console_timeline, name="console_timeline"),
    path("mia/consola/<uuid:public_id>/cerrar/", views.console_close, name="console_close"),
    path("mia/consola/<uuid:public_id>/9-1-1/", views_dispatch.console_dispatch, name="console_dispatch"),
    path("mia/vinculaciones/<uuid:public_id>/", views.case_link_review, name="case_link_review"),
]
