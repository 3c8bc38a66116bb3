from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from violeta.accounts import views as accounts_views
from violeta.api import api
from violeta.cases import views_audit as cases_audit_views
from violeta.portal import views as portal_views

# The director's audit pages, under one namespace: the log's flagged events (accounts) and one case's trail
# (cases). Neither lives in ``audit``, which sits below the apps that know roles and cases.
audit_patterns = [
    path("", accounts_views.audit_flagged, name="flagged"),
    path("expedientes/<str:folio>/", cases_audit_views.case_audit, name="case"),
]

urlpatterns = [
    # First: the API is what tills and the MIA app call most, and Django tries the patterns in order.
    path("api/v1/", api.urls),
    # A visitor reads the public site's home; a signed-in staff member lands where her role works.
    path("", portal_views.root, name="home"),
    # Before allauth's own: staff cannot add or change their e-mail address (the administrator sets it).
    path("cuenta/email/", accounts_views.email_closed, name="account_email_closed"),
    path("cuenta/", include("allauth.urls")),
    path("personal/", include("violeta.accounts.urls")),
    path("auditoria/", include((audit_patterns, "audit"))),
    path("personas/", include("violeta.people.urls")),
    path("aviso-de-privacidad/", include("violeta.people.urls_notice")),
    path("expedientes/", include("violeta.cases.urls")),
    path("", include("violeta.psychology.urls")),
    path("", include("violeta.socialwork.urls")),
    path("", include("violeta.messaging.urls")),
    path("", include("violeta.alerts.urls")),
    path("avisos/", include("violeta.notifications.urls")),
    path("juridico/", include("violeta.legal.urls")),
    path("documentos/", include("violeta.documents.urls")),
    path("violencia/", include("violeta.violence.urls")),
    path("", include("violeta.agenda.urls")),  # /agenda/… for staff, /contacto/llamame/ public
    path("canalizaciones/", include("violeta.referrals.urls")),
    path("tarjeta/", include("violeta.card.urls")),
    path("privacidad/", include("violeta.privacy.urls")),
    path("programas/", include("violeta.programs.urls")),
    path("estadisticas/", include("violeta.reports.urls")),
    path("importar/", include("violeta.dataimport.urls")),
    path("", include("violeta.portal.urls")),
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url="/static/img/favicon.svg")),
        name="favicon",
    ),
]

handler400 = "violeta.core.errors.bad_request"
handler403 = "violeta.core.views.forbidden"
handler404 = "violeta.core.views.not_found"
handler500 = "violeta.core.errors.server_error"
