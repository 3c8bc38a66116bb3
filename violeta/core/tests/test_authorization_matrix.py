"""Every URL pattern, every API operation and every model that points at a case, for every persona: who gets
in, who is refused, and how.

Refusals, of a page (the role) or of an object (a case, a person), are 404 — never a 403 that would confirm the
case exists — and audited. The module builds its worlds once (``module_db``: one outer transaction per module,
each test rolls back to it), so the matrix stays fast however many URLs it grows.

How to classify something new (each of these tests fails until you do):

- **A URL** (``test_every_url_is_classified``): add its name to ``RULES`` with ``page(roles)`` (a page for some
  roles), ``case_object(roles, kwarg=..., kwargs=...)`` (a page about one case or an object of one: the world's
  case is used, and the restricted-case walk checks that nobody outside the protocol reaches it), or one of
  ``PUBLIC``, ``SIGNED_IN``, ``SKIP_KEYED``, ``BEARER(method)``, ``{"kind": "webhook"}``... A page that lists
  things from many cases goes into ``LISTS`` as well (the restricted-case walk reads it for her folio and name).
- **An API operation** (``test_every_api_operation_is_classified``): add ``(METHOD, path)`` to
  ``API_OPERATIONS`` with its URL name, which must itself be in ``RULES``.
- **A model that points at a case**, by a ForeignKey/OneToOne to ``cases.Case``, a ``case_id`` column, or one
  hop through such a model (``test_every_model_that_points_at_a_case_is_classified``): add its label to
  ``CASE_MODELS`` with its access rule (one sentence) and the URL names that show an object of it; the
  restricted-case walk (``test_restricted_case_reaches_nobody_outside_the_protocol``) requests every one of them
  for an internal-protocol case as every persona outside it and expects 404.
"""

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from violeta.accounts.models import Role
from violeta.agenda.tests.factories import agenda_world
from violeta.alerts.tests.factories import mia_alert
from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.cases.tests.plan_factories import matrix_kwargs as plan_kwargs
from violeta.conftest import make_user
from violeta.dataimport.tests.factories import matrix_kwargs as import_kwargs
from violeta.documents.tests.factories import evidence_kwargs
from violeta.legal.tests.factories import document_kwargs, hearing_kwargs, matter_kwargs
from violeta.privacy.tests.factories import matrix_kwargs as privacy_kwargs
from violeta.programs.tests.course_factories import matrix_world as courses_world
from violeta.programs.tests.factories import matrix_world as programs_world
from violeta.referrals.tests.factories import referral_world
from violeta.violence.tests.factories import matrix_kwargs as violence_kwargs

PERSONAS = [
    "anonymous",
    "receptionist",
    "lawyer",
    "outsider",
    "psychologist",
    "social_worker",
    "coordinator",
    "director",
    "sysadmin",
    "trainer",
    "card_office",
    "alert_monitor",
    "dif_liaison",
    "merchant",
]
CASE_ROLE_PERSONAS = {
    "receptionist",
    "lawyer",
    "outsider",
    "psychologist",
    "social_worker",
    "coordinator",
    "director",
}
INTAKE = CASE_ROLE_PERSONAS - {"director"}
# The case under test has receptionist, lawyer and psychologist on its team; the coordinator coordinates the
# legal area, which is on the team. outsider (another lawyer) and social_worker are not on it.
CASE_TEAM = {"receptionist", "lawyer", "psychologist", "coordinator", "director"}
NOT_ON_CASE = {"outsider", "social_worker"}
AREA_TEAM = {"lawyer", "psychologist", "coordinator"}
CLOSERS = {"lawyer", "psychologist", "coordinator", "director"}
LOGGED_IN = set(PERSONAS) - {"anonymous"}
CONSOLE = {"alert_monitor", "director"}
APPOINTMENT_SEERS = {"receptionist", "lawyer", "coordinator", "director"}
CALL_DESK = {"receptionist", "coordinator", "director"}
OFFICE_EDITORS = {"coordinator", "director"}
CARD_OFFICE = {"card_office", "director"}
PRIVACY_OFFICERS = {"coordinator", "director"}
# An import of earlier records: who uploaded it (the coordinator persona, in the matrix) and the director.
IMPORTERS = {"coordinator", "director"}
STATISTICS = {"coordinator", "director"}
PROGRAM_STAFF = {"trainer", "coordinator", "director"}
SITE_EDITORS = {"coordinator", "director"}  # the public site's content (issue 19)
# The staff of the areas (programs' visits: who gives a consultation at a company), and with program staff, who
# reaches the visits.
AREA_STAFF = {"lawyer", "outsider", "psychologist", "social_worker", "coordinator"}
VISIT_STAFF = PROGRAM_STAFF | AREA_STAFF


def program_page(*, method="get", ok=(200,), kwargs=None):
    """A programs page: program staff only; the rest get 404 (audited), whatever the object."""
    rule = {"kind": "page", "allowed": PROGRAM_STAFF, "method": method, "ok": ok, "kwarg": None}
    if kwargs:
        rule["kwargs"] = kwargs
    return rule


def site_entry_pk():
    from violeta.portal.models import Entry

    return Entry.objects.get(slug="juridica").pk


def site_revision_pk():
    from violeta.portal.models import Revision

    return Revision.objects.filter(entry__slug="juridica").order_by("number").first().pk


def consent_kwargs(world):
    """One of the case holder's consents (made on demand): with her signature for the signature's view."""
    from violeta.people.models import Consent
    from violeta.people.signature import encode
    from violeta.people.tests.test_consents import signature_png

    person_pk = world["pk_person"]
    consent = Consent.objects.filter(person_id=person_pk, purpose="referral", signature_sha256__gt="").first()
    if consent is None:
        data, digest = encode(signature_png())
        consent = Consent.objects.create(
            person_id=person_pk,
            purpose="referral",
            recorded_by=world["case"].opened_by,
            method="signature",
            signature_png=data,
            signature_sha256=digest,
        )
    return {"pk": person_pk, "consent_pk": consent.pk}


def training_request_pk():
    """A training request as an organisation sends it from the public site (made on demand)."""
    from violeta.programs.models import TrainingRequest

    found = TrainingRequest.objects.first()
    if found is None:
        found = TrainingRequest.objects.create(
            organization_name="Escuela de la matriz",
            kind="school",
            contact_name="Contacto",
            people=10,
            phone="+526141234567",
        )
    return found.pk


def role_grant_pk(world):
    """A role request by the administrator in the world, waiting for the director (made on demand)."""
    from violeta.accounts.models import Role, User
    from violeta.accounts.services import grant_request

    admin = User.objects.get(pk=world["pk_staff"])
    user = User.objects.create_user("solicitud@imm.test", None, full_name="Solicitud", role=Role.TRAINER)
    return grant_request(by=admin, user=user, role=Role.RECEPTION).pk


def callback_pk():
    """A callback request from the public site, waiting for the call desk (made on demand)."""
    from violeta.agenda.callbacks import callback_request_submit

    return callback_request_submit(
        kind="call", phone="6143217788", may_leave_message=False, may_send_sms=False
    ).pk


def holiday_pk():
    from datetime import date

    from violeta.agenda.models import Holiday

    return Holiday.objects.get_or_create(date=date(2099, 12, 31), defaults={"name": "Prueba"})[0].pk


def line_pk():
    from violeta.agenda.models import PhoneLine

    return PhoneLine.objects.order_by("pk").first().pk


def custom_field_pk():
    """One of the institute's own intake fields (made on demand)."""
    from violeta.cases.field_models import CustomField

    found = CustomField.objects.first()
    if found is None:
        director = make_user("campos@imm.test", Role.DIRECTOR)
        found = CustomField.objects.create(label="Ocupación", kind="text", created_by=director)
    return found.pk


def page(allowed, *, method="get", ok=(200,), kwarg=None):
    """A page for some roles: the rest get 403 (signed in) or the login page (anonymous)."""
    return {"kind": "page", "allowed": set(allowed), "method": method, "ok": ok, "kwarg": kwarg}


def case_object(allowed, *, method="get", ok=(200,), kwarg="folio", kwargs=None):
    """A page about one case or person: roles outside the case's team get 404, other roles 403.

    ``kwargs(world)`` builds the URL's arguments when it needs an object of the case (made on demand).
    """
    return {
        "kind": "object",
        "allowed": set(allowed),
        "method": method,
        "ok": ok,
        "kwarg": kwarg,
        "kwargs": kwargs,
    }


def BEARER(method, kwargs=None):
    """The MIA app's API: only with the app's bearer token; everyone else, staff included, gets 401."""
    return {"kind": "bearer", "method": method, "kwargs": kwargs or {}}


PUBLIC = {"kind": "public"}  # public on purpose: sign-in pages, health check, API schema
SIGNED_IN = {"kind": "signed_in"}  # any signed-in account (own password and MFA settings)
SKIP_KEYED = {"kind": "keyed"}  # reached only through a secret key in an e-mail link; public on purpose
# Probes for supervisors: public, counts and ages only; 503 when the service is not ready (no sender in tests).
PROBE = {"kind": "public", "ok": (200, 503)}
CLOSED = {"kind": "closed"}  # 404 for everyone (staff e-mail addresses are set by the system administrator)
# Another key: re-authentication first, then 404 (not one of her keys).
NO_AUTHENTICATOR = {"kind": "signed_in", "ok": (302, 404), "kwargs": lambda world: {"pk": 999999}}

RULES = {
    "home": {"kind": "home"},
    # programs and trainings (issue 17)
    "programs:home": program_page(),
    "programs:training_list": program_page(),
    "programs:training_create": program_page(),
    "programs:training_detail": program_page(kwargs=lambda w: {"pk": w["programs"]["training"]}),
    "programs:session_create": program_page(kwargs=lambda w: {"pk": w["programs"]["training"]}),
    "programs:attendee_create": program_page(kwargs=lambda w: {"pk": w["programs"]["training"]}),
    "programs:roll_call": program_page(
        kwargs=lambda w: {"pk": w["programs"]["training"], "session_pk": w["programs"]["session"]}
    ),
    "programs:attendance_mark": program_page(
        method="post",
        ok=(303,),  # reached: without "present" it goes back to the roll call saying what is missing
        kwargs=lambda w: {
            "pk": w["programs"]["training"],
            "session_pk": w["programs"]["session"],
            "attendee_pk": w["programs"]["attendee"],
        },
    ),
    "programs:attendee_import": program_page(kwargs=lambda w: {"pk": w["programs"]["training"]}),
    "programs:attendee_import_confirm": program_page(
        method="post", ok=(302,), kwargs=lambda w: {"pk": w["programs"]["training"]}
    ),
    "programs:questionnaire": program_page(
        kwargs=lambda w: {"pk": w["programs"]["training"], "phase": "pre"}
    ),
    "programs:topic_list": program_page(),
    "programs:topic_detail": program_page(kwargs=lambda w: {"pk": w["programs"]["topic"]}),
    "programs:staff_training": page(LOGGED_IN - {"dif_liaison", "merchant"}),
    "programs:signup_open": program_page(
        method="post", ok=(302,), kwargs=lambda w: {"pk": w["programs"]["training"]}
    ),
    "programs:signup_close": program_page(
        method="post", ok=(302,), kwargs=lambda w: {"pk": w["programs"]["training"]}
    ),
    "programs:certificates_issue": program_page(
        method="post", ok=(302,), kwargs=lambda w: {"pk": w["programs"]["training"]}
    ),
    "programs:certificate_pdf": program_page(
        ok=(404,),  # the matrix's training has no certificate yet: reached, and the selector says so
        kwargs=lambda w: {"pk": w["programs"]["training"], "certificate_pk": 999999},
    ),
    "programs:certificate_revoke": program_page(
        method="post", ok=(404,), kwargs=lambda w: {"pk": w["programs"]["training"], "certificate_pk": 999999}
    ),
    "programs:signup": SKIP_KEYED,  # public on purpose, reached through the training's unguessable link
    "programs:certificate_verify": SKIP_KEYED,  # public on purpose: the certificate's QR
    "programs:training_request_list": program_page(),
    "programs:training_request_detail": program_page(kwargs=lambda w: {"pk": training_request_pk()}),
    "programs:organization_list": program_page(),
    "programs:organization_create": program_page(),
    "programs:organization_detail": program_page(kwargs=lambda w: {"pk": w["programs"]["organization"]}),
    "programs:organization_edit": program_page(kwargs=lambda w: {"pk": w["programs"]["organization"]}),
    "programs:contact_create": program_page(kwargs=lambda w: {"pk": w["programs"]["organization"]}),
    "programs:agreement_create": program_page(kwargs=lambda w: {"pk": w["programs"]["organization"]}),
    "programs:visit_list": page(VISIT_STAFF),
    "programs:visit_create": program_page(),
    "programs:visit_detail": page(VISIT_STAFF, kwarg=None)
    | {"kwargs": lambda w: {"pk": w["programs"]["visit"]}},
    # the areas' staff give the consultations at a visit (program staff alone do not write in case files)
    "programs:visit_consultation_create": page(AREA_STAFF)
    | {"kwargs": lambda w: {"pk": w["programs"]["visit"]}},
    "programs:campaign_list": program_page(),
    "programs:campaign_create": program_page(),
    "programs:campaign_detail": program_page(kwargs=lambda w: {"pk": w["programs"]["campaign"]}),
    "programs:campaign_event_create": program_page(kwargs=lambda w: {"pk": w["programs"]["campaign"]}),
    # Superación en acción: the courses' pages are program staff's; the enrolment is made from her case file
    "programs:course_list": program_page(),
    "programs:course_create": program_page(),
    "programs:course_detail": program_page(kwargs=lambda w: {"pk": w["courses"]["course"]}),
    "programs:cohort_create": program_page(kwargs=lambda w: {"pk": w["courses"]["course"]}),
    "programs:cohort_detail": program_page(kwargs=lambda w: {"pk": w["courses"]["cohort"]}),
    "programs:cohort_session_create": program_page(kwargs=lambda w: {"pk": w["courses"]["cohort"]}),
    "programs:cohort_roll_call": program_page(
        kwargs=lambda w: {"pk": w["courses"]["cohort"], "session_pk": w["courses"]["session"]}
    ),
    "programs:cohort_attendance_mark": program_page(
        method="post",
        ok=(303,),  # reached: without "present" it goes back to the roll call saying what is missing
        kwargs=lambda w: {
            "pk": w["courses"]["cohort"],
            "session_pk": w["courses"]["session"],
            "enrollment_pk": w["courses"]["enrollment"],
        },
    ),
    "programs:cohort_enroll_new": page({"coordinator", "director"})
    | {"kwargs": lambda w: {"pk": w["courses"]["cohort"]}},
    "programs:cohort_complete": program_page(
        method="post", ok=(302,), kwargs=lambda w: {"pk": w["courses"]["cohort"]}
    ),
    "programs:enrollment_detail": program_page(kwargs=lambda w: {"pk": w["courses"]["enrollment"]}),
    "programs:enrollment_outcome": program_page(kwargs=lambda w: {"pk": w["courses"]["enrollment"]}),
    "programs:enrollment_link_create": program_page(kwargs=lambda w: {"pk": w["courses"]["enrollment"]}),
    "programs:enrollment_withdraw": program_page(
        method="post", ok=(302,), kwargs=lambda w: {"pk": w["courses"]["enrollment"]}
    ),
    # whoever may see her case file (the trainer never does)
    "programs:course_enroll": case_object(CASE_TEAM),
    "favicon": PUBLIC,
    "portal:safe_browsing": PUBLIC,
    # the public site (issue 19): public on purpose; its content is edited by the director and coordinators
    "portal:services": PUBLIC,
    "portal:service": {"kind": "public", "kwargs": lambda world: {"slug": "juridica"}},
    "portal:contact": PUBLIC,
    "portal:verify": PUBLIC,
    "portal:training_request": PUBLIC,
    "portal:training_request_thanks": PUBLIC,
    "portal:staff_entries": page(SITE_EDITORS),
    "portal:staff_contact": page(SITE_EDITORS),
    "portal:staff_entry_create": page(SITE_EDITORS),
    "portal:staff_entry_edit": page(SITE_EDITORS, kwarg=None)
    | {"kwargs": lambda world: {"pk": site_entry_pk()}},
    "portal:staff_entry_history": page(SITE_EDITORS, kwarg=None)
    | {"kwargs": lambda world: {"pk": site_entry_pk()}},
    "portal:staff_entry_restore": page(SITE_EDITORS, method="post", ok=(302,))
    | {"kwargs": lambda world: {"pk": site_entry_pk(), "revision": site_revision_pk()}},
    # django-allauth: sign-in, password reset and MFA pages
    "account_login": PUBLIC,
    "account_logout": PUBLIC,
    "account_inactive": PUBLIC,
    "account_signup": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_login_code": PUBLIC,
    "account_email_verification_sent": PUBLIC,
    "account_confirm_email": SKIP_KEYED,
    "account_reset_password_from_key": SKIP_KEYED,
    "mfa_authenticate": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    "account_email": CLOSED,
    "account_email_closed": CLOSED,
    "account_change_password": SIGNED_IN,
    "account_set_password": SIGNED_IN,
    "mfa_index": SIGNED_IN,
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_deactivate_totp": {"kind": "signed_in", "ok": (404,)},  # 404 until she has activated TOTP
    "mfa_view_recovery_codes": {"kind": "signed_in", "ok": (404,)},  # 404 until codes exist
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_add_webauthn": SIGNED_IN,
    "mfa_list_webauthn": SIGNED_IN,
    "mfa_reauthenticate_webauthn": SIGNED_IN,
    "mfa_edit_webauthn": NO_AUTHENTICATOR,
    "mfa_remove_webauthn": NO_AUTHENTICATOR,
    "mfa_download_recovery_codes": {"kind": "signed_in", "ok": (404,)},  # 404 until codes exist
    # API
    "api:openapi-json": PUBLIC,
    "api:health": PROBE,
    "api:api-root": PUBLIC,
    # MIA's API: sign-up is public (rate-limited in the services); everything else needs the app's device token,
    # and a staff session is no substitute for it.
    "api:mia_otp_request": {"kind": "public_api", "method": "post"},
    "api:mia_otp_verify": {"kind": "public_api", "method": "post"},
    "api:mia_register": {"kind": "public_api", "method": "post"},
    "api:mia_me": BEARER("get"),
    "api:mia_me_update": BEARER("patch"),
    "api:mia_contacts": BEARER("get"),
    "api:mia_contact_add": BEARER("post"),
    "api:mia_contacts_fallback": BEARER("get"),
    "api:mia_contact_remove": BEARER("delete", kwargs={"contact_id": 1}),
    "api:mia_contact_update": BEARER("patch", kwargs={"contact_id": 1}),
    "api:mia_alert_raise": BEARER("post"),
    "api:mia_alert_state": BEARER("get", kwargs={"alert_id": "public_id"}),
    "api:mia_alert_locate": BEARER("post", kwargs={"alert_id": "public_id"}),
    "api:mia_alert_cancel": BEARER("post", kwargs={"alert_id": "public_id"}),
    "api:mia_alert_test_end": BEARER("post", kwargs={"alert_id": "public_id"}),
    "api:mia_timer_start": BEARER("post"),
    "api:mia_timer_current": BEARER("get"),
    "api:mia_timer_locate": BEARER("post", kwargs={"timer_id": "public_id"}),
    "api:mia_timer_end": BEARER("post", kwargs={"timer_id": "public_id"}),
    # staff accounts
    "accounts:staff_list": page({"sysadmin"}),
    "accounts:staff_create": page({"sysadmin"}),
    "accounts:staff_edit": page({"sysadmin"}),
    # ending an account's sessions: the administrator only (here she ends her own, so 302 to the form)
    "accounts:staff_end_sessions": {
        **page({"sysadmin"}, method="post", ok=(302,)),
        "kwargs": lambda world: {"pk": world["pk_staff"]},
    },
    # role requests (hole 6): the director decides; the administrator who asks cannot
    "accounts:grant_list": page({"director"}),
    "accounts:grant_decide": {**page({"director"}), "kwargs": lambda world: {"pk": role_grant_pk(world)}},
    # audit
    "audit:flagged": page({"director"}),
    "audit:case": page({"director"}),
    # people
    "people:search": page(CASE_ROLE_PERSONAS),
    "people:detail": case_object(CASE_TEAM, kwarg="pk"),
    "people:edit": case_object(CASE_TEAM, kwarg="pk"),
    "people:safe_contact": case_object(CASE_TEAM, kwarg="pk"),
    "people:consent_add": case_object(CASE_TEAM, kwarg="pk"),
    "people:consent_detail": case_object(CASE_TEAM, kwarg="pk", kwargs=lambda w: consent_kwargs(w)),
    "people:consent_withdraw": case_object(
        CASE_TEAM, kwarg="pk", method="post", ok=(200, 302), kwargs=lambda w: consent_kwargs(w)
    ),
    "people:consent_signature": case_object(CASE_TEAM, kwarg="pk", kwargs=lambda w: consent_kwargs(w)),
    "people:consent_validity": page({"director"}),
    # the privacy notices (LGPDPPSO): public on purpose, the law asks that anyone can read them
    "privacy_notice:integral": PUBLIC,
    "privacy_notice:simplified": PUBLIC,
    "privacy_notice:simplified_print": PUBLIC,
    # cases
    "cases:list": page(CASE_ROLE_PERSONAS),
    "cases:intake": page(INTAKE),
    "cases:intake_duplicates": page(INTAKE, method="post"),
    "cases:request_to_join": page(INTAKE, method="post", ok=(404,)),  # no person posted: nothing to ask
    "cases:break_glass": page(CASE_ROLE_PERSONAS),
    "cases:detail": case_object(CASE_TEAM),
    "cases:consultations": case_object(CASE_TEAM),
    "cases:consultation_create": case_object(AREA_TEAM),
    "cases:close": case_object(CLOSERS),
    "cases:reopen": case_object(CLOSERS),
    "cases:team_add": case_object(CASE_TEAM, method="post", ok=(302,)),
    "cases:team_remove": case_object(
        CASE_TEAM,
        method="post",
        ok=(302,),
        kwargs=lambda w: {
            "folio": w["folio"],
            "user_id": w["case"].team_members.get(user__role="psychology").user_id,
        },
    ),
    "cases:party_add": case_object(CASE_TEAM),
    "cases:internal_protocol": case_object({"director"}),  # and the staff designated for the protocol
    "cases:protocol_designations": page({"director"}),
    # The intake each institute shapes (issue 20): its configuration, and a case's additional details.
    "cases:intake_fields": page({"director", "sysadmin"}),
    "cases:intake_field_edit": {**page({"director", "sysadmin"}), "kwargs": lambda w: {"name": "schooling"}},
    "cases:intake_field_move": {
        **page({"director", "sysadmin"}, method="post", ok=(302,)),  # no direction posted: nothing moves
        "kwargs": lambda w: {"name": "schooling"},
    },
    "cases:custom_field_create": page({"director", "sysadmin"}),
    "cases:custom_field_edit": {
        **page({"director", "sysadmin"}),
        "kwargs": lambda w: {"pk": custom_field_pk()},
    },
    "cases:custom_values": case_object(CASE_TEAM),
    # the case plan and approvals (issue 20): the plan is read by the case's professionals and the director, and
    # written by its area staff; a request is read with its case; the director sets which steps need approval
    "cases:plan": case_object(CLOSERS),
    "cases:plan_print": case_object(CLOSERS, kwargs=plan_kwargs("plan")),
    "cases:plan_submit": case_object(AREA_TEAM, method="post", ok=(302,)),
    "cases:plan_goal_add": case_object(AREA_TEAM),
    "cases:plan_goal_edit": case_object(AREA_TEAM, kwargs=plan_kwargs("goal")),
    "cases:plan_service_add": case_object(AREA_TEAM, kwargs=plan_kwargs("goal")),
    "cases:plan_service_edit": case_object(AREA_TEAM, kwargs=plan_kwargs("service")),
    "cases:approval": case_object(CLOSERS, kwargs=plan_kwargs("approval")),
    "cases:approvals": page(AREA_STAFF | {"director"}),
    "cases:approval_rules": page({"director"}),
    "cases:pending": page(CASE_ROLE_PERSONAS),  # issue 20: Mis pendientes
    "cases:pending_count": page(CASE_ROLE_PERSONAS),  # its badge in the menu (htmx)
    # psychological care: psychology on the case team and the director read it; the rest of the team gets 404.
    # Social work: the team reads it (notes hidden); only social work on the team writes (not on this case).
    "psychology:my_plans": page({"psychologist"}),
    "socialwork:open_applications": page({"social_worker"}),
    "psychology:plan": case_object({"psychologist", "director"}),
    "psychology:plan_create": case_object({"psychologist"}),
    "psychology:plan_update": case_object({"psychologist"}),
    "psychology:goal_add": case_object({"psychologist"}, method="post", ok=(302,)),
    "psychology:goal_status": case_object({"psychologist"}, method="post", ok=(302,)),
    "psychology:session_create": case_object({"psychologist"}),
    "psychology:scale_apply": case_object({"psychologist"}),
    "psychology:discharge": case_object({"psychologist"}),
    "socialwork:case": case_object(CASE_TEAM),
    "socialwork:assessment_create": case_object(set()),
    "socialwork:application_create": case_object(set()),
    "socialwork:application_outcome": case_object(set(), method="post", ok=(302,)),
    "socialwork:orientation_create": case_object(set()),
    # MIA: the app is public (it signs its API calls with its own device token); contacts reach an alert only by
    # the unguessable token in their SMS; the provider's webhooks are signed; the console is for its roles.
    "alerts:app": PUBLIC,
    "alerts:manifest": PUBLIC,
    "alerts:service_worker": PUBLIC,
    "alerts:live": SKIP_KEYED,
    "alerts:live_state": SKIP_KEYED,
    "alerts:live_ack": SKIP_KEYED,
    "alerts:contact_confirm": SKIP_KEYED,
    "alerts:dispatch_live": SKIP_KEYED,
    "alerts:dispatch_live_state": SKIP_KEYED,
    "alerts:timer_follow": SKIP_KEYED,
    "alerts:timer_follow_state": SKIP_KEYED,
    "messaging:status": {"kind": "webhook"},
    "messaging:voice_status": {"kind": "webhook"},  # a voice call's progress, signed like the SMS reports
    "messaging:whatsapp_status": {"kind": "meta_webhook"},  # GET: Meta's verification; POST: signed statuses
    "messaging:healthz": PUBLIC,
    "messaging:readyz": PROBE,
    "alerts:sms_inbound": {"kind": "webhook"},
    "alerts:person_link": case_object(CASE_TEAM, kwarg="pk"),
    "alerts:console": page(CONSOLE),
    "alerts:console_list": page(CONSOLE),
    "alerts:console_detail": page(CONSOLE, kwarg="public_id"),
    "alerts:console_timeline": page(CONSOLE, kwarg="public_id"),
    "alerts:console_close": page(CONSOLE, kwarg="public_id", method="post", ok=(200, 302)),
    "alerts:console_dispatch": page(CONSOLE, kwarg="public_id", method="post", ok=(302,)),
    # the world's alert has no link asked for: every case role gets 404 (tested in alerts/tests/test_views.py)
    "alerts:case_link_review": page(CASE_ROLE_PERSONAS, kwarg="public_id", ok=(404,)),
    # violence, risk and protection: the professionals of the case's team (not the front desk); orders are legal's
    "violence:expiring": page({"lawyer", "outsider", "coordinator", "director"}),
    "violence:followup_rules": page({"director"}),  # issue 20: days without contact per risk level
    "violence:incident_create": case_object(AREA_TEAM),
    "violence:incident_detail": case_object(CLOSERS, kwargs=violence_kwargs("incident")),
    "violence:aggressor_create": case_object(AREA_TEAM),
    "violence:assessment_create": case_object(AREA_TEAM),
    "violence:assessment_detail": case_object(CLOSERS, kwargs=violence_kwargs("assessment")),
    "violence:safety_plan": case_object(CLOSERS),
    "violence:safety_plan_print": case_object(CLOSERS, kwargs=violence_kwargs("plan")),
    "violence:order_create": case_object({"lawyer", "coordinator"}),
    "violence:order_edit": case_object({"lawyer", "coordinator"}, kwargs=violence_kwargs("order")),
    "violence:screening_create": case_object(AREA_TEAM),
    "violence:priority": case_object(CLOSERS),  # mark by judgement (lifting: coordination and director only)
    # Tarjeta "Mi apoyo, Mi bienestar": applying, the directory and her digital card (by its unguessable link) are
    # public on purpose; a merchant's till only validates; the program office runs the rest. Object pages
    # (an application, a card) 404 for the office when absent; their per-object access is tested in card/tests.
    "card:apply": PUBLIC,
    "card:apply_thanks": PUBLIC,
    "card:directory": PUBLIC,
    "card:holder_card": SKIP_KEYED,
    "card:holder_card_pdf": SKIP_KEYED,
    "card:validate": page({"merchant"}),
    "card:validate_token": {"kind": "card_object"},
    "api:card_validate": {"kind": "card_object"},
    "card:office": page(CARD_OFFICE),
    "card:approve_bulk": page(CARD_OFFICE, method="post", ok=(302,)),
    "card:desk_application": page(CARD_OFFICE),
    "card:application_detail": page(CARD_OFFICE, kwarg="pk", ok=(200, 404)),
    "card:application_action": {"kind": "card_object"},
    "card:document": {"kind": "card_object"},
    "card:card_pdf": {"kind": "card_object"},
    "card:card_action": {"kind": "card_object"},
    "card:deliveries": page(CARD_OFFICE),
    "card:stats": page(CARD_OFFICE),
    "card:merchant_list": page(CARD_OFFICE),
    "card:merchant_create": page(CARD_OFFICE),
    "card:merchant_edit": page(CARD_OFFICE, kwarg="pk", ok=(200, 404)),
    # notices: each account reads only her own (scoped in the selectors)
    "notifications:inbox": SIGNED_IN,
    "notifications:open": {"kind": "own", "method": "post"},
    "notifications:mark_all_read": {"kind": "signed_in", "method": "post", "ok": (302,)},
    "notifications:unread_badge": SIGNED_IN,  # the bell's count in the menu (htmx)
    # legal matters: the legal area on the case and its coordination write; the director's office reads; the rest
    # of the team (reception, psychology) gets a 404 like anyone outside the case. "kwargs" builds the object.
    "legal:desk": page({"lawyer", "outsider", "coordinator", "director"}),
    "legal:matter_create": case_object({"lawyer", "coordinator"}),
    "legal:matter_detail": {**case_object({"lawyer", "coordinator", "director"}), "kwargs": matter_kwargs},
    "legal:matter_edit": {**case_object({"lawyer", "coordinator"}), "kwargs": matter_kwargs},
    "legal:matter_stage": {
        **case_object({"lawyer", "coordinator"}, method="post", ok=(302,)),
        "kwargs": matter_kwargs,
    },
    "legal:hearing_create": {**case_object({"lawyer", "coordinator"}), "kwargs": matter_kwargs},
    "legal:hearing_reschedule": {**case_object({"lawyer", "coordinator"}), "kwargs": hearing_kwargs},
    "legal:hearing_cancel": {
        **case_object({"lawyer", "coordinator"}, method="post", ok=(302,)),
        "kwargs": hearing_kwargs,
    },
    "legal:hearing_outcome": {**case_object({"lawyer", "coordinator"}), "kwargs": hearing_kwargs},
    # documents: a case's documents for its team (a legal matter's, for those who read the matter)
    "documents:upload": case_object(CASE_TEAM),
    "documents:download": {**case_object(CASE_TEAM), "kwargs": document_kwargs},
    # evidence (issue 20): the item's page, its inline view, integrity, copies given, its details
    "documents:evidence_upload": case_object(CASE_TEAM),
    "documents:detail": {**case_object(CASE_TEAM), "kwargs": document_kwargs},
    "documents:view": {**case_object(CASE_TEAM), "kwargs": evidence_kwargs},
    "documents:verify": {**case_object(CASE_TEAM, method="post", ok=(302,)), "kwargs": document_kwargs},
    "documents:copy_given": {**case_object(CASE_TEAM, method="post"), "kwargs": document_kwargs},
    "documents:evidence_edit": {**case_object(CASE_TEAM), "kwargs": evidence_kwargs},
    # agenda: the world's appointment is the lawyer's on the case, booked by reception; the call was taken by
    # reception. Area staff see their own agenda, coordinators their area's, reception and the director all.
    "agenda:week": page(CASE_ROLE_PERSONAS),
    "agenda:day": page(CASE_ROLE_PERSONAS),
    "agenda:appointment_create": page(INTAKE),
    "agenda:appointment_detail": case_object(APPOINTMENT_SEERS, kwarg="appointment"),
    "agenda:appointment_cancel": case_object(
        APPOINTMENT_SEERS, kwarg="appointment", method="post", ok=(302,)
    ),
    "agenda:appointment_no_show": case_object(
        APPOINTMENT_SEERS, kwarg="appointment", method="post", ok=(302,)
    ),
    "agenda:appointment_attend": case_object(
        APPOINTMENT_SEERS, kwarg="appointment", method="post", ok=(302,)
    ),
    "agenda:appointment_reschedule": case_object(APPOINTMENT_SEERS - {"director"}, kwarg="appointment"),
    "agenda:appointment_consultation": case_object({"lawyer", "coordinator"}, kwarg="appointment"),
    "agenda:calls": page(CASE_ROLE_PERSONAS),
    "agenda:call_create": page(CASE_ROLE_PERSONAS),
    "agenda:call_stats": page(CALL_DESK),
    "agenda:call_detail": case_object(CALL_DESK, kwarg="call"),
    # her callback request from the public site (public on purpose; no case): the call desk handles it; the
    # director and the coordinators edit the office hours, holidays and phone lines the public site shows.
    "agenda:callback_request": PUBLIC,
    "agenda:callback_thanks": PUBLIC,
    "agenda:callback_no_answer": page(CALL_DESK, method="post", ok=(302,))
    | {"kwargs": lambda w: {"pk": callback_pk()}},
    "agenda:callback_cancel": page(CALL_DESK, method="post", ok=(302,))
    | {"kwargs": lambda w: {"pk": callback_pk()}},
    "agenda:office_hours": page(OFFICE_EDITORS),
    "agenda:holiday_add": page(OFFICE_EDITORS, method="post", ok=(400,)),  # reached: empty, it says what
    "agenda:holiday_remove": page(OFFICE_EDITORS, method="post", ok=(302,))
    | {"kwargs": lambda w: {"pk": holiday_pk()}},
    "agenda:line_create": page(OFFICE_EDITORS),
    "agenda:line_edit": page(OFFICE_EDITORS) | {"kwargs": lambda w: {"pk": line_pk()}},
    # referrals: the case team reaches a referral through its case; a partner's liaison only the ones sent to her
    # institution (never the case file); the letter's QR opens a public page by an unguessable token.
    "referrals:institutions": page(CASE_ROLE_PERSONAS | {"sysadmin"}),
    "referrals:institution_create": page({"sysadmin", "director"}),
    "referrals:institution_edit": page({"sysadmin", "director"}, kwarg="institution"),
    "referrals:overdue": page(CASE_ROLE_PERSONAS),
    "referrals:case_list": case_object(CASE_TEAM),
    "referrals:create": case_object(CLOSERS),
    "referrals:detail": case_object(CASE_TEAM, kwarg="referral"),
    "referrals:send": case_object(CLOSERS, kwarg="referral", method="post", ok=(302,)),
    # the world's referral is sent: its draft page sends back to the referral, cancelling it is refused (302)
    "referrals:edit": case_object(CLOSERS, kwarg="referral", ok=(302,)),
    "referrals:cancel": case_object(CLOSERS, kwarg="referral", method="post", ok=(302,)),
    "referrals:answer": case_object(CLOSERS, kwarg="referral", method="post", ok=(302,)),
    "referrals:letter": case_object(CLOSERS, kwarg="referral"),
    # the world's referral has no counter-referral letter yet: 404 even for the case team (tested with one in
    # referrals/tests/test_answers.py)
    "referrals:counter_letter": case_object(CASE_TEAM, kwarg="referral", ok=(404,)),
    "referrals:liaison_counter_letter": page({"dif_liaison"}, kwarg="referral", ok=(404,)),
    "referrals:verify": SKIP_KEYED,
    "referrals:liaison_inbox": page({"dif_liaison"}),
    "referrals:inbound_create": page({"dif_liaison"}),
    "referrals:liaison_detail": page({"dif_liaison"}, kwarg="referral"),
    "referrals:liaison_answer": page({"dif_liaison"}, kwarg="referral", method="post", ok=(302,)),
    "referrals:liaison_letter": page({"dif_liaison"}, kwarg="referral"),
    "referrals:inbound_list": page(INTAKE),
    "referrals:inbound_intake": page(INTAKE, kwarg="inbound"),
    "referrals:inbound_dismiss": page(INTAKE, kwarg="inbound", method="post", ok=(302,)),
    # privacy (ARCO): the director and the coordinators register requests; a request's pages are its handler's
    # (here the director; other officers get 404) and the director's; blocked records and breaches are the
    # director's; a liaison sees the rectifications sent to her institution.
    "privacy:arco_list": page(PRIVACY_OFFICERS),
    "privacy:arco_create": page(PRIVACY_OFFICERS),
    "privacy:arco_detail": {**page({"director"}), "kwargs": privacy_kwargs("access")},
    "privacy:arco_start": {
        **page({"director"}, method="post", ok=(302,)),
        "kwargs": privacy_kwargs("access"),
    },
    "privacy:arco_answer": {
        **page({"director"}, method="post", ok=(302,)),
        "kwargs": privacy_kwargs("access"),
    },
    "privacy:arco_refuse": {
        **page({"director"}, method="post", ok=(302,)),
        "kwargs": privacy_kwargs("access"),
    },
    "privacy:arco_extend": {
        **page({"director"}, method="post", ok=(302,)),
        "kwargs": privacy_kwargs("access"),
    },
    "privacy:arco_block": {
        **page({"director"}, method="post", ok=(302,)),
        "kwargs": privacy_kwargs("access"),
    },
    "privacy:arco_oppose": {
        **page({"director"}, method="post", ok=(302,)),
        "kwargs": privacy_kwargs("access"),
    },
    "privacy:arco_export": {**page({"director"}, method="post"), "kwargs": privacy_kwargs("access")},
    "privacy:arco_rectify": {**page({"director"}), "kwargs": privacy_kwargs("rectify")},
    "privacy:blocked_list": page({"director"}),
    "privacy:breach_list": page({"director"}),
    "privacy:breach_create": page({"director"}),
    "privacy:breach_detail": {**page({"director"}), "kwargs": privacy_kwargs("breach")},
    "privacy:liaison_notices": page({"dif_liaison"}),
    "privacy:liaison_notice": {**page({"dif_liaison"}), "kwargs": privacy_kwargs("notice")},
    # The council report: coordinators and the director generate it; only the director writes its narrative.
    "reports:council": page({"coordinator", "director"}),
    "reports:council_narrative": page({"director"}),
    "dataimport:list": page(IMPORTERS),
    "dataimport:upload": page(IMPORTERS),
    "dataimport:mapping": {**page(IMPORTERS), "kwargs": import_kwargs},
    "dataimport:preview": {**page(IMPORTERS, ok=(200, 302)), "kwargs": import_kwargs},
    "dataimport:rows_update": {**page(IMPORTERS, method="post", ok=(302,)), "kwargs": import_kwargs},
    "dataimport:start": {**page(IMPORTERS, method="post", ok=(302,)), "kwargs": import_kwargs},
    "dataimport:abandon": {**page(IMPORTERS, method="post", ok=(302,)), "kwargs": import_kwargs},
    "dataimport:detail": {**page(IMPORTERS), "kwargs": import_kwargs},
    "dataimport:progress": {**page(IMPORTERS), "kwargs": import_kwargs},
    "dataimport:report": {**page(IMPORTERS, ok=(302,)), "kwargs": import_kwargs},  # re-authentication first
    # Statistics downloads: figures for coordinators and the director; BANAVIM (case-level) for the director.
    # An empty POST is a form with errors (400); the download itself is tested in reports/tests.
    "reports:exports": page({"coordinator", "director"}),
    "reports:export_download": page({"coordinator", "director"}, method="post", ok=(400,)),
    "reports:banavim_download": page({"director"}, method="post", ok=(400,)),
    # statistics (issue 18): the dashboard (aggregates only) and its map's colonias (geography, no figure)
    "reports:dashboard": page(STATISTICS),
    "reports:colonias": page(STATISTICS),
}


def all_url_names():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                yield from walk(pattern.url_patterns, full)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL pattern {pattern.pattern} has no name: name it and classify it"
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_is_classified():
    names = set(all_url_names())
    unclassified = names - set(RULES)
    assert not unclassified, f"classify these URLs in RULES: {sorted(unclassified)}"
    stale = set(RULES) - names
    assert not stale, f"RULES names URLs that no longer exist: {sorted(stale)}"


# --- the worlds, built once per module ---------------------------------------------------------------------------

# The personas of violeta/conftest.py, made here once for the module (same e-mails, roles and areas).
PERSONA_ACCOUNTS = {
    "receptionist": ("recepcion@imm.test", Role.RECEPTION, None),
    "lawyer": ("abogada@imm.test", Role.LEGAL, "juridica"),
    "outsider": ("otra.abogada@imm.test", Role.LEGAL, "juridica"),
    "psychologist": ("psicologa@imm.test", Role.PSYCHOLOGY, "psicologia"),
    "social_worker": ("trabajo.social@imm.test", Role.SOCIAL_WORK, "trabajo-social"),
    "coordinator": ("coordinacion.juridica@imm.test", Role.COORDINATOR, "juridica"),
    "director": ("direccion@imm.test", Role.DIRECTOR, None),
    "sysadmin": ("sistemas@imm.test", Role.SYSADMIN, None),
    "trainer": ("capacitacion@imm.test", Role.TRAINER, None),
    "card_office": ("tarjeta@imm.test", Role.CARD_OFFICE, None),
    "alert_monitor": ("monitoreo@imm.test", Role.ALERT_MONITOR, None),
    "dif_liaison": ("enlace@dif.test", Role.LIAISON, None),
    "merchant": ("caja@comercio.test", Role.MERCHANT, None),
    # for the restricted case: psychology's coordination, and the lawyer designated for the internal protocol
    "psychology_coordinator": ("coordinacion.psicologia@imm.test", Role.COORDINATOR, "psicologia"),
    "designated": ("designada@imm.test", Role.LEGAL, "juridica"),
}


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """One outer transaction for the whole module: the worlds below are built once inside it, each test runs in
    a savepoint rolled back after it (what it posts or creates disappears), and the module's end rolls back
    everything."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def people(module_db):
    return {name: make_user(email, role, area) for name, (email, role, area) in PERSONA_ACCOUNTS.items()}


@pytest.fixture(scope="module")
def world(module_db, people):
    receptionist, lawyer, psychologist = people["receptionist"], people["lawyer"], people["psychologist"]
    case = CaseFactory(opened_by=lawyer, team=(receptionist, psychologist))
    alert = mia_alert()
    appointment, call = agenda_world(case=case, staff=lawyer, by=receptionist)
    return {
        "appointment": appointment.pk,
        "call": call.pk,
        **referral_world(case=case, lawyer=lawyer, dif_liaison=people["dif_liaison"]),
        "alert": alert,
        "folio": case.folio,
        "pk_person": case.holder.pk,
        "pk_staff": people["sysadmin"].pk,
        "case": case,
        "programs": programs_world(people["trainer"]),
        "courses": courses_world(
            trainer=people["trainer"], coordinator=people["coordinator"], case=case, by=lawyer
        ),
    }


@pytest.fixture
def db_in_module(module_db, db):
    """A test of this module: its own savepoint inside the module's transaction."""


def url_for(name, world, rule):
    kwargs = {}
    if rule.get("kwargs"):
        kwargs = rule["kwargs"](world)
    elif rule.get("kwarg") == "referral":
        kwargs = {"folio": world["referral"]}
    elif rule.get("kwarg") in ("inbound", "institution"):
        kwargs = {"pk": world[rule["kwarg"]]}
    elif rule.get("kwarg") == "public_id":
        kwargs = {"public_id": world["alert"].public_id}
    elif name in ("audit:case",) or rule.get("kwarg") == "folio":
        kwargs = {"folio": world["folio"]}
    elif rule.get("kwarg") in ("appointment", "call"):
        kwargs = {"pk": world[rule["kwarg"]]}
    elif rule.get("kwarg") == "pk":
        kwargs = {"pk": world["pk_person"]}
    elif name == "accounts:staff_edit":
        kwargs = {"pk": world["pk_staff"]}
    return reverse(name, kwargs=kwargs)


def login_as(client, people, persona):
    if persona != "anonymous":
        client.force_login(people[persona])


CHECKED = sorted(
    name for name, rule in RULES.items() if rule["kind"] in ("page", "object", "home", "signed_in")
)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", CHECKED)
def test_access(name, persona, client, people, world, db_in_module):
    rule = RULES[name]
    login_as(client, people, persona)
    url = url_for(name, world, rule)
    method = rule.get("method", "get")
    response = getattr(client, method)(url)

    if persona == "anonymous":
        if rule["kind"] == "home":
            # A visitor reads the public site's home; nothing of any case is on it.
            assert response.status_code == 200
            assert "portal/home.html" in [t.name for t in response.templates]
            return
        assert response.status_code == 302, f"{name} must ask anonymous visitors to sign in"
        assert response["Location"].startswith(reverse("account_login"))
        return
    if rule["kind"] == "home":
        assert response.status_code in (200, 302)
        return
    if rule["kind"] == "signed_in":
        assert response.status_code in rule.get("ok", (200, 302)), f"{name}: {response.status_code}"
        assert not response.get("Location", "").startswith(reverse("account_login"))
        return
    if persona in rule["allowed"]:
        assert response.status_code in rule["ok"], (
            f"{persona} should reach {name}, got {response.status_code}"
        )
    else:
        # Refused: by the role (staff_required) or by the object (the case's rule): 404 either way, audited.
        assert response.status_code == 404, f"{persona} must get 404 on {name}, got {response.status_code}"
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=people[persona]).exists(), (
            f"the refusal of {persona} on {name} is not audited"
        )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "closed"))
def test_closed_pages_answer_404_to_everyone(name, persona, client, people, db_in_module):
    login_as(client, people, persona)
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name), {"email": "otra@fuera.test", "action_add": ""}).status_code == 404


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "public"))
def test_public_pages_answer_anonymous(name, client, world, db_in_module):
    url = "/favicon.ico" if name == "favicon" else url_for(name, world, RULES[name])
    response = client.get(url)
    assert response.status_code in (
        200,
        302,
        404 if name == "api:api-root" else 200,
        *RULES[name].get("ok", ()),
    )
    assert response.status_code != 500


@pytest.mark.parametrize("persona", ["anonymous", "alert_monitor", "director", "sysadmin"])
@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "bearer"))
def test_mia_api_needs_the_device_token(name, persona, client, people, world, db_in_module):
    rule = RULES[name]
    login_as(client, people, persona)
    kwargs = {k: (world["alert"].public_id if v == "public_id" else v) for k, v in rule["kwargs"].items()}
    response = getattr(client, rule["method"])(reverse(name, kwargs=kwargs), content_type="application/json")
    assert response.status_code == 401
    response = getattr(client, rule["method"])(
        reverse(name, kwargs=kwargs), content_type="application/json", HTTP_AUTHORIZATION="Bearer not-a-token"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "public_api"))
def test_mia_public_api_refuses_empty_input_cleanly(name, client, db_in_module):
    response = client.post(reverse(name), {}, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "meta_webhook"))
def test_meta_webhooks_refuse_unverified_requests(name, client, db_in_module, settings):
    settings.WHATSAPP_APP_SECRET, settings.WHATSAPP_VERIFY_TOKEN = "secreto-de-prueba", "verifica"
    assert client.get(reverse(name), {"hub.mode": "subscribe", "hub.verify_token": "otro"}).status_code == 403
    assert client.post(reverse(name), "{}", content_type="application/json").status_code == 403


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "webhook"))
def test_webhooks_refuse_unsigned_requests(name, client, db_in_module, settings):
    settings.TWILIO_AUTH_TOKEN = "secreto-de-prueba"
    assert client.get(reverse(name)).status_code == 405
    assert client.post(reverse(name), {"MessageSid": "SM1", "MessageStatus": "delivered"}).status_code == 403


def test_outsider_denial_on_case_page_is_audited(client, people, world, db_in_module):
    outsider = people["outsider"]
    client.force_login(outsider)
    response = client.get(reverse("cases:detail", kwargs={"folio": world["folio"]}))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=outsider).latest("id")
    assert event.case_id == world["case"].pk
    assert event.flagged is True


# --- the API: every operation (method and path) of /api/v1/ -------------------------------------------------------

# (METHOD, path under /api/v1/) -> its URL name in RULES. The rule of that name says who may call it.
API_OPERATIONS = {
    ("GET", "/health"): "api:health",
    ("POST", "/mia/otp"): "api:mia_otp_request",
    ("POST", "/mia/otp/verify"): "api:mia_otp_verify",
    ("POST", "/mia/register"): "api:mia_register",
    ("GET", "/mia/me"): "api:mia_me",
    ("PATCH", "/mia/me"): "api:mia_me_update",
    ("GET", "/mia/contacts"): "api:mia_contacts",
    ("POST", "/mia/contacts"): "api:mia_contact_add",
    ("GET", "/mia/contacts/fallback"): "api:mia_contacts_fallback",
    ("DELETE", "/mia/contacts/{contact_id}"): "api:mia_contact_remove",
    ("PATCH", "/mia/contacts/{contact_id}"): "api:mia_contact_update",
    ("POST", "/mia/alerts"): "api:mia_alert_raise",
    ("GET", "/mia/alerts/{alert_id}"): "api:mia_alert_state",
    ("POST", "/mia/alerts/{alert_id}/locations"): "api:mia_alert_locate",
    ("POST", "/mia/alerts/{alert_id}/cancel"): "api:mia_alert_cancel",
    ("POST", "/mia/alerts/{alert_id}/end-test"): "api:mia_alert_test_end",
    ("POST", "/mia/timers"): "api:mia_timer_start",
    ("GET", "/mia/timers/current"): "api:mia_timer_current",
    ("POST", "/mia/timers/{timer_id}/positions"): "api:mia_timer_locate",
    ("POST", "/mia/timers/{timer_id}/end"): "api:mia_timer_end",
    ("POST", "/card/validate"): "api:card_validate",
}


def api_operations():
    from violeta.api import api

    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, "/" + "/".join(part for part in (prefix + path).split("/") if part)


def test_every_api_operation_is_classified():
    operations = set(api_operations())
    unclassified = operations - set(API_OPERATIONS)
    assert not unclassified, f"classify these API operations in API_OPERATIONS: {sorted(unclassified)}"
    stale = set(API_OPERATIONS) - operations
    assert not stale, f"API_OPERATIONS names operations that no longer exist: {sorted(stale)}"
    for (method, _path), name in API_OPERATIONS.items():
        rule = RULES[name]  # every operation's URL name is classified in RULES, with the same method
        if "method" in rule:
            assert rule["method"].upper() == method, f"{name}: RULES says {rule['method']}, the API {method}"


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "bearer"))
def test_a_mia_user_reaches_only_her_own(name, client, world, db_in_module):
    """A MIA user's valid device token opens her own account, never another's alert or contact (404)."""
    from violeta.alerts.tests.factories import mia_account
    from violeta.core.tokens import token_hash

    account = mia_account()
    raw = "token-de-prueba-" + str(account.pk)
    account.devices.create(token_hash=token_hash(raw))
    rule = RULES[name]
    others = {"public_id": world["alert"].public_id, 1: world["alert"].account.contacts.first().pk}
    kwargs = {k: others["public_id"] if v == "public_id" else others[1] for k, v in rule["kwargs"].items()}
    # a valid body, so that only the object decides the answer
    body = {
        "api:mia_alert_locate": {"lat": 28.6, "lon": -106.1, "accuracy": 10},
        "api:mia_alert_cancel": {"pin": "1234"},
        "api:mia_timer_locate": {"lat": 28.6, "lon": -106.1, "accuracy": 10},
        "api:mia_timer_end": {"pin": "1234"},
    }
    response = getattr(client, rule["method"])(
        reverse(name, kwargs=kwargs),
        data=body.get(name, {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    if kwargs:
        assert response.status_code == 404, f"{name} with another woman's object: {response.status_code}"
    else:
        assert response.status_code in (200, 201, 204, 400, 409, 429), f"{name}: {response.status_code}"
        assert world["alert"].account.display_name not in response.content.decode() or (
            world["alert"].account.display_name == account.display_name
        )


def test_a_mia_token_opens_no_staff_page(client, world, db_in_module):
    from violeta.alerts.tests.factories import mia_account
    from violeta.core.tokens import token_hash

    account = mia_account()
    raw = "token-de-prueba-staff"
    account.devices.create(token_hash=token_hash(raw))
    for name in ("cases:detail", "agenda:week", "alerts:console"):
        rule = RULES[name]
        response = client.get(url_for(name, world, rule), HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- every model that points at a case ----------------------------------------------------------------------------

CASE_PAGES = ["cases:detail"]
PERSON_PAGES = [
    "people:detail",
    "people:edit",
    "people:safe_contact",
    "people:consent_add",
    "people:consent_detail",
    "people:consent_signature",
]
AGENDA_LISTS = ["agenda:week", "agenda:day"]


def case_model(rule, urls):
    """A model that points at a case: ``rule`` says who reads it; ``urls`` are the URL names that show one."""
    return {"rule": rule, "urls": list(urls)}


CASE_MODELS = {
    "cases.case": case_model(
        "the case's own rule (cases.selectors.visible_cases): team, its areas' coordination, break glass, the "
        "director; an internal-protocol case only the designated staff and the director",
        [
            *CASE_PAGES,
            "cases:close",
            "cases:reopen",
            "cases:team_add",
            "cases:party_add",
            "cases:internal_protocol",
            "audit:case",
        ],
    ),
    "cases.caseparty": case_model(
        "read with the case; a person only through a case she may see", PERSON_PAGES
    ),
    "cases.caseteammember": case_model("read with the case", [*CASE_PAGES, "cases:team_remove"]),
    "cases.consultation": case_model(
        "read with the case", [*CASE_PAGES, "cases:consultations", "cases:consultation_create"]
    ),
    "cases.areanote": case_model("the case, and only the note's area", CASE_PAGES),
    "cases.caseevent": case_model("the case, and each line only for its section's readers", CASE_PAGES),
    "cases.caseaccessgrant": case_model("never listed; it widens visible_cases for its holder", CASE_PAGES),
    "cases.customfieldvalue": case_model(
        "read with the case; edited by its team", [*CASE_PAGES, "cases:custom_values"]
    ),
    "cases.caseplan": case_model(
        "read with the case by its professionals and the director",
        [*CASE_PAGES, "cases:plan", "cases:plan_print"],
    ),
    "cases.plangoal": case_model(
        "as the plan", ["cases:plan", "cases:plan_goal_edit", "cases:plan_service_add"]
    ),
    "cases.planservice": case_model("as the plan", ["cases:plan", "cases:plan_service_edit"]),
    "cases.planrevision": case_model("as the plan (its history)", ["cases:plan"]),
    "cases.approvalrequest": case_model(
        "read with its case (cases.approvals.access_approval); decided by the area's coordinator or the director",
        [*CASE_PAGES, "cases:approval"],
    ),
    "agenda.appointment": case_model(
        "her agendas (agenda_appointments_in_reach) AND the case's rule; else only busy time",
        [
            "agenda:appointment_detail",
            "agenda:appointment_cancel",
            "agenda:appointment_no_show",
            "agenda:appointment_attend",
            "agenda:appointment_reschedule",
            "agenda:appointment_consultation",
        ],
    ),
    "agenda.phonecall": case_model(
        "the call desk or who took it, AND the case's rule", ["agenda:call_detail"]
    ),
    "agenda.callbackrequest": case_model(
        "the call desk's while it waits (agenda.callbacks.callbacks_pending); it shows no case: the call logged for it "
        "(one hop to a case) is linked when she is called back, and the request leaves the list then",
        [],  # tested by violeta/agenda/tests/test_callbacks.py (area staff never see it; handled ones give 404)
    ),
    "alerts.alert": case_model(
        "the emergency console's (monitors, director); its case's folio only for who may see the case",
        ["alerts:console_detail", "alerts:console_timeline"],
    ),
    "alerts.alertlocation": case_model("through its alert", ["alerts:console_detail"]),
    "alerts.alertrecipient": case_model("through its alert", ["alerts:console_detail"]),
    "alerts.alertmessage": case_model("through its alert", ["alerts:console_timeline"]),
    "alerts.alertdispatch": case_model("through its alert", ["alerts:console_detail"]),
    "alerts.alertevent": case_model("through its alert", ["alerts:console_timeline"]),
    # One hop to a case through the alert it raised; shown only to her app (device token) and, without the case,
    # to her followers by their token: the console shows the alert's timer line (alertevent).
    "alerts.triptimer": case_model("her app's only (device token); the console sees its alert's line", []),
    "audit.auditevent": case_model("the director's audit pages only", ["audit:case"]),
    "privacy.rectificationnotice": case_model(
        "the ARCO request's handler, and the liaisons of the institution that received her referral only",
        [],  # tested by violeta/privacy/tests (another institution's liaison gets 404, audited)
    ),
    "dataimport.importedrecord": case_model(
        "the import's report, for who uploaded it and the director; an import opens new case files only (never "
        "under the internal protocol), so the report shows no case its reader could not have opened",
        [],  # tested by violeta/dataimport/tests/test_views.py (another coordinator gets 404, audited)
    ),
    "notifications.notification": case_model(
        "her own, and only while she may see the case it is about (created for, and shown to, no one else)",
        [],  # tested by test_restricted_case_notices_reach_nobody_outside_the_protocol
    ),
    "documents.document": case_model(
        "the case's rule (a legal matter's: who reads the matter)",
        [
            "documents:download",
            "documents:upload",
            "documents:evidence_upload",
            "documents:detail",
            "documents:view",
            "documents:verify",
            "documents:copy_given",
            "documents:evidence_edit",
        ],
    ),
    "documents.custodyentry": case_model("through its document", ["documents:detail"]),
    "legal.legalmatter": case_model(
        "the legal area and the director, on cases they may see (legal.selectors.visible_matters)",
        ["legal:matter_detail", "legal:matter_edit", "legal:matter_stage", "legal:matter_create"],
    ),
    "legal.hearing": case_model(
        "through its matter; others see only busy time",
        ["legal:hearing_create", "legal:hearing_reschedule", "legal:hearing_cancel", "legal:hearing_outcome"],
    ),
    "legal.matterstagechange": case_model("through its matter", ["legal:matter_detail"]),
    "psychology.treatmentplan": case_model(
        "psychology on the team, its coordination, the director",
        ["psychology:plan", "psychology:plan_create", "psychology:plan_update", "psychology:discharge"],
    ),
    "psychology.treatmentgoal": case_model(
        "through its plan", ["psychology:plan", "psychology:goal_add", "psychology:goal_status"]
    ),
    "psychology.therapysession": case_model("through the plan's case", ["psychology:session_create"]),
    "psychology.scaleresult": case_model("through the plan's case", ["psychology:scale_apply"]),
    "referrals.referral": case_model(
        "the case's rule; the receiving institution's liaison sees what was shared",
        [
            "referrals:case_list",
            "referrals:create",
            "referrals:detail",
            "referrals:send",
            "referrals:edit",
            "referrals:cancel",
            "referrals:answer",
            "referrals:letter",
            "referrals:counter_letter",
        ],
    ),
    "referrals.referralevent": case_model("through its referral", ["referrals:detail"]),
    "referrals.inboundreferral": case_model(
        "the intake desk's draft until it becomes a case; shows no case", ["referrals:inbound_intake"]
    ),
    "socialwork.needsassessment": case_model(
        "the case's team", ["socialwork:case", "socialwork:assessment_create"]
    ),
    "socialwork.needitem": case_model("through its assessment", ["socialwork:case"]),
    "socialwork.application": case_model(
        "the case's team", ["socialwork:application_create", "socialwork:application_outcome"]
    ),
    "socialwork.orientation": case_model("the case's team", ["socialwork:orientation_create"]),
    "violence.violenceincident": case_model(
        "the areas and the director on cases they may see (not reception)",
        ["violence:incident_create", "violence:incident_detail"],
    ),
    "violence.aggressor": case_model("as incidents", ["violence:aggressor_create"]),
    "violence.riskassessment": case_model(
        "as incidents", ["violence:assessment_create", "violence:assessment_detail"]
    ),
    "violence.safetyplan": case_model("as incidents", ["violence:safety_plan", "violence:safety_plan_print"]),
    "violence.protectionorder": case_model(
        "as incidents; the legal area writes", ["violence:order_create", "violence:order_edit"]
    ),
    "violence.traffickingscreening": case_model("as incidents", ["violence:screening_create"]),
    "violence.prioritychange": case_model("as incidents", ["violence:priority"]),
    "violence.followupstate": case_model(
        "read only by violence.followups.follow_ups_due, through cases.pending.scope_cases (the cases rule): "
        "the follow-ups of Mis pendientes and its badge",
        [],  # no page of its own: Mis pendientes is in LISTS (never shows a restricted case)
    ),
    "programs.visitconsultation": case_model(
        "only through programs.visit_selectors.visit_consultations, for who may see the consultation's case; "
        "program staff see the visit's count",
        [],  # tested by violeta/programs/tests/test_visits.py (the trainer sees the count, not who consulted)
    ),
}

# Pages that list things from many cases: for a restricted case, nobody outside the protocol finds it there.
LISTS = [
    "cases:list",
    "cases:approvals",
    "agenda:week",
    "agenda:day",
    "agenda:calls",
    "legal:desk",
    "referrals:overdue",
    "referrals:inbound_list",
    "notifications:inbox",
    "violence:expiring",
    "cases:pending",
    "psychology:my_plans",
    "socialwork:open_applications",
    "alerts:console",
    "alerts:console_list",
]


def models_pointing_at_a_case():
    """Every model with a ForeignKey/OneToOne to cases.Case or a ``case_id`` column, and one hop further."""
    from violeta.cases.models import Case

    direct = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if (field.is_relation and field.related_model is Case) or (
                field.name == "case_id" and not field.is_relation
            ):
                direct.add(model)
    one_hop = {
        model
        for model in apps.get_models()
        if model is not Case
        and any(f.is_relation and f.related_model in direct for f in model._meta.concrete_fields)
    }
    return {model._meta.label_lower for model in direct | one_hop}


def test_every_model_that_points_at_a_case_is_classified():
    found = models_pointing_at_a_case()
    unclassified = found - set(CASE_MODELS) - {"cases.case"}
    assert not unclassified, f"classify these models in CASE_MODELS (rule and URLs): {sorted(unclassified)}"
    for label, entry in CASE_MODELS.items():
        assert entry["rule"], label
        for name in entry["urls"]:
            assert name in RULES, f"{label}: {name} is not a URL in RULES"


# --- a restricted (internal-protocol) case: every model and every URL that shows one -----------------------------

# Who may see the restricted case: the staff designated for the protocol and the director.
PROTOCOL = {"designated", "director"}
OUTSIDE_PROTOCOL = sorted((LOGGED_IN | {"psychology_coordinator"}) - PROTOCOL)
# Roles whose own work reaches the object by design, whatever the case: the console sees the emergency (never
# the folio), the receiving institution's liaison what was shared with it.
BY_DESIGN = {
    ("alerts:console_detail", "alert_monitor"),
    ("alerts:console_timeline", "alert_monitor"),
}


@pytest.fixture(scope="module")
def restricted(module_db, people):
    """The case of IMM-2025-000033 in the demo: reception, a lawyer and a psychologist on its team (psychology's
    coordination through its area), an appointment, a call, a referral and an alert; then the director designates
    a lawyer for the internal protocol and she attends it under the protocol."""
    from violeta.agenda.services import phone_call_link_case
    from violeta.agenda.tests.factories import book, log_call, next_workday
    from violeta.cases import internal_protocol
    from violeta.people.tests.factories import PersonFactory
    from violeta.referrals import inbound as referral_inbound
    from violeta.referrals.models import InboundReferral

    receptionist, psychologist = people["receptionist"], people["psychologist"]
    designated = people["designated"]
    # (the designated lawyer is the case's only lawyer: the object builders act as the case's lawyer)
    # A name no other person of the module's world can have: the lists are searched for it.
    holder = PersonFactory(
        given_names="Eduviges Restringida", first_surname="Protocolo", second_surname="Interno"
    )
    case = CaseFactory(opened_by=designated, team=(receptionist, psychologist), holder=holder)
    day = next_workday(days=3)
    appointment = book(by=receptionist, staff=psychologist, case=case, day=day)
    call = phone_call_link_case(
        call=log_call(by=receptionist, caller_name="Lucía"), case=case, by=receptionist
    )
    referrals = referral_world(case=case, lawyer=designated, dif_liaison=people["dif_liaison"])
    # the woman DIF referred is the one whose case this is
    inbound = InboundReferral.objects.get(pk=referrals["inbound"])
    referral_inbound.inbound_referral_convert(inbound=inbound, case=case, by=receptionist)
    alert = mia_alert()
    alert.case = case
    alert.save(update_fields=["case"])
    internal_protocol.internal_protocol_designate(user=designated, by=people["director"])
    internal_protocol.internal_protocol_open(
        case=case, by=designated, dependency="Dirección de Obras", conduct="Hostigamiento laboral reiterado."
    )
    case.refresh_from_db()
    return {
        "appointment": appointment.pk,
        "call": call.pk,
        **referrals,
        "alert": alert,
        "folio": case.folio,
        "pk_person": case.holder.pk,
        "pk_staff": people["sysadmin"].pk,
        "case": case,
        "day": day,
        "name": case.holder.full_name,
    }


def restricted_urls():
    names = {name for entry in CASE_MODELS.values() for name in entry["urls"]}
    names |= {name for name, rule in RULES.items() if rule["kind"] == "object"}
    return sorted(names)


def test_the_designated_lawyer_and_the_director_see_the_restricted_case(
    client, people, restricted, db_in_module
):
    for persona in PROTOCOL:
        client.force_login(people[persona])
        assert client.get(reverse("cases:detail", kwargs={"folio": restricted["folio"]})).status_code == 200


@pytest.mark.parametrize("persona", OUTSIDE_PROTOCOL)
def test_restricted_case_reaches_nobody_outside_the_protocol(
    persona, client, people, restricted, db_in_module
):
    """Every URL that shows an object of a model that points at a case, for the restricted case: 404, audited."""
    client.force_login(people[persona])
    failures = []
    for name in restricted_urls():
        rule = RULES[name]
        response = getattr(client, rule.get("method", "get"))(url_for(name, restricted, rule))
        body = response.content.decode(errors="replace")
        if (name, persona) in BY_DESIGN:
            if restricted["folio"] in body:
                failures.append(f"{name}: shows the folio")
        elif response.status_code != 404:
            failures.append(f"{name}: {response.status_code}")
    assert not failures, f"{persona} reaches the restricted case: {failures}"
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=people[persona]).exists()


@pytest.mark.parametrize("persona", OUTSIDE_PROTOCOL)
def test_restricted_case_is_in_no_list_outside_the_protocol(
    persona, client, people, restricted, db_in_module
):
    client.force_login(people[persona])
    failures = []
    queries = {
        "agenda:week": {"day": restricted["day"].isoformat()},
        "agenda:day": {"day": restricted["day"]},
    }
    queries["cases:list"] = {"scope": "all", "status": ""}
    for name in LISTS:
        response = client.get(reverse(name), queries.get(name, {}))
        body = response.content.decode(errors="replace")
        if restricted["folio"] in body or restricted["name"] in body:
            failures.append(name)
    response = client.post(reverse("people:search"), {"q": restricted["name"]})
    if reverse("people:detail", kwargs={"pk": restricted["pk_person"]}) in response.content.decode(
        errors="replace"
    ):
        failures.append("people:search")
    assert not failures, f"{persona} finds the restricted case in: {failures}"


@pytest.mark.parametrize("persona", OUTSIDE_PROTOCOL)
def test_restricted_case_notices_reach_nobody_outside_the_protocol(
    persona, client, people, restricted, db_in_module
):
    from violeta.notifications.models import Notification
    from violeta.notifications.services import notify

    user = people[persona]
    case = restricted["case"]
    created = notify(recipients=[user], kind="matrix", message=f"Aviso {case.folio}", case=case)
    assert created == []
    # a notice left from before (the case went under the protocol afterwards) is neither shown nor opened
    old = Notification.objects.create(
        recipient=user, kind="matrix", message=f"Aviso {case.folio}", case_id=case.pk
    )
    client.force_login(user)
    assert case.folio not in client.get(reverse("notifications:inbox")).content.decode()
    assert client.post(reverse("notifications:open", kwargs={"pk": old.pk})).status_code == 404


def test_restricted_case_notices_reach_the_protocol(people, restricted, db_in_module):
    from violeta.notifications.services import notify

    case = restricted["case"]
    created = notify(recipients=[people[p] for p in PROTOCOL], kind="matrix", message="Aviso", case=case)
    assert {n.recipient_id for n in created} == {people[p].pk for p in PROTOCOL}
