"""Every URL pattern, for every persona: who gets in, who is refused, and how.

A new URL that is not classified in RULES makes ``test_every_url_is_classified`` fail, so nobody can add a
page without deciding who may see it. Refusals of a page are 403; refusals of an object (a case, a person)
are 404, never a 403 that would confirm the case exists.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from violeta.agenda.tests.factories import agenda_world
from violeta.alerts.tests.factories import mia_alert
from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.legal.tests.factories import document_kwargs, hearing_kwargs, matter_kwargs
from violeta.privacy.tests.factories import matrix_kwargs as privacy_kwargs
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
CARD_OFFICE = {"card_office", "director"}
PRIVACY_OFFICERS = {"coordinator", "director"}


def role_grant_pk(world):
    """A role request by the administrator in the world, waiting for the director (made on demand)."""
    from violeta.accounts.models import Role, User
    from violeta.accounts.services import grant_request

    admin = User.objects.get(pk=world["pk_staff"])
    user = User.objects.create_user("solicitud@imm.test", None, full_name="Solicitud", role=Role.TRAINER)
    return grant_request(by=admin, user=user, role=Role.RECEPTION).pk


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
CLOSED = {"kind": "closed"}  # 404 for everyone (staff e-mail addresses are set by the system administrator)
# Another key: re-authentication first, then 404 (not one of her keys).
NO_AUTHENTICATOR = {"kind": "signed_in", "ok": (302, 404), "kwargs": lambda world: {"pk": 999999}}

RULES = {
    "home": {"kind": "home"},
    "favicon": PUBLIC,
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
    "api:health": PUBLIC,
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
    "api:mia_alert_raise": BEARER("post"),
    "api:mia_alert_state": BEARER("get", kwargs={"alert_id": "public_id"}),
    "api:mia_alert_locate": BEARER("post", kwargs={"alert_id": "public_id"}),
    "api:mia_alert_cancel": BEARER("post", kwargs={"alert_id": "public_id"}),
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
    # the privacy notices (LGPDPPSO): public on purpose, the law asks that anyone can read them
    "privacy_notice:integral": PUBLIC,
    "privacy_notice:simplified": PUBLIC,
    "privacy_notice:simplified_print": PUBLIC,
    # cases
    "cases:list": page(CASE_ROLE_PERSONAS),
    "cases:intake": page(INTAKE),
    "cases:intake_duplicates": page(INTAKE, method="post"),
    "cases:break_glass": page(CASE_ROLE_PERSONAS),
    "cases:detail": case_object(CASE_TEAM),
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
    "alerts:sms_status": {"kind": "webhook"},
    "alerts:sms_inbound": {"kind": "webhook"},
    "alerts:person_link": case_object(CASE_TEAM, kwarg="pk"),
    "alerts:console": page(CONSOLE),
    "alerts:console_list": page(CONSOLE),
    "alerts:console_detail": page(CONSOLE, kwarg="public_id"),
    "alerts:console_timeline": page(CONSOLE, kwarg="public_id"),
    "alerts:console_close": page(CONSOLE, kwarg="public_id", method="post", ok=(200, 302)),
    # violence, risk and protection: the professionals of the case's team (not the front desk); orders are legal's
    "violence:expiring": page({"lawyer", "outsider", "coordinator", "director"}),
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
    # referrals: the case team reaches a referral through its case; a partner's liaison only the ones sent to her
    # institution (never the case file); the letter's QR opens a public page by an unguessable token.
    "referrals:institutions": page(CASE_ROLE_PERSONAS | {"sysadmin"}),
    "referrals:institution_create": page({"sysadmin", "director"}),
    "referrals:institution_edit": page({"sysadmin", "director"}, kwarg="institution"),
    "referrals:overdue": page(CASE_ROLE_PERSONAS),
    "referrals:case_list": case_object(CASE_TEAM),
    "referrals:create": case_object(CLOSERS),
    "referrals:internal_protocol": case_object({"director"}),  # and the staff designated for the protocol
    "referrals:designations": page({"director"}),
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


@pytest.fixture
def world(request, receptionist, lawyer, psychologist, coordinator, sysadmin, dif_liaison):
    case = CaseFactory(opened_by=lawyer, team=(receptionist, psychologist))
    alert = mia_alert()
    appointment, call = agenda_world(case=case, staff=lawyer, by=receptionist)
    return {
        "appointment": appointment.pk,
        "call": call.pk,
        **referral_world(case=case, lawyer=lawyer, dif_liaison=dif_liaison),
        "alert": alert,
        "folio": case.folio,
        "pk_person": case.holder.pk,
        "pk_staff": sysadmin.pk,
        "case": case,
    }


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


def login_as(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


CHECKED = sorted(
    name for name, rule in RULES.items() if rule["kind"] in ("page", "object", "home", "signed_in")
)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", CHECKED)
def test_access(name, persona, client, request, world):
    rule = RULES[name]
    login_as(client, request, persona)
    url = url_for(name, world, rule)
    method = rule.get("method", "get")
    response = getattr(client, method)(url)

    if persona == "anonymous":
        if rule["kind"] == "home":
            assert response.status_code == 302
        else:
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
    elif rule["kind"] == "object" and persona in NOT_ON_CASE:
        before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
        assert response.status_code == 404, f"{persona} outside the case must get 404 on {name}"
        # the decorator lets her through (she has a case role), so the selector refuses and audits it
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() >= before
    else:
        assert response.status_code in (403, 404), (
            f"{persona} must not reach {name}, got {response.status_code}"
        )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "closed"))
def test_closed_pages_answer_404_to_everyone(name, persona, client, request, db):
    login_as(client, request, persona)
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse(name), {"email": "otra@fuera.test", "action_add": ""}).status_code == 404


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "public"))
def test_public_pages_answer_anonymous(name, client, world):
    response = client.get("/favicon.ico") if name == "favicon" else client.get(reverse(name))
    assert response.status_code in (200, 302, 404 if name == "api:api-root" else 200)
    assert response.status_code != 500


@pytest.mark.parametrize("persona", ["anonymous", "alert_monitor", "director", "sysadmin"])
@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "bearer"))
def test_mia_api_needs_the_device_token(name, persona, client, request, world):
    rule = RULES[name]
    login_as(client, request, persona)
    kwargs = {k: (world["alert"].public_id if v == "public_id" else v) for k, v in rule["kwargs"].items()}
    response = getattr(client, rule["method"])(reverse(name, kwargs=kwargs), content_type="application/json")
    assert response.status_code == 401
    response = getattr(client, rule["method"])(
        reverse(name, kwargs=kwargs), content_type="application/json", HTTP_AUTHORIZATION="Bearer not-a-token"
    )
    assert response.status_code == 401


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "public_api"))
def test_mia_public_api_refuses_empty_input_cleanly(name, client, db):
    response = client.post(reverse(name), {}, content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r["kind"] == "webhook"))
def test_webhooks_refuse_unsigned_requests(name, client, db, settings):
    settings.TWILIO_AUTH_TOKEN = "secreto-de-prueba"
    assert client.get(reverse(name)).status_code == 405
    assert client.post(reverse(name), {"MessageSid": "SM1", "MessageStatus": "delivered"}).status_code == 403


def test_outsider_denial_on_case_page_is_audited(client, outsider, world):
    client.force_login(outsider)
    response = client.get(reverse("cases:detail", kwargs={"folio": world["folio"]}))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=outsider).latest("id")
    assert event.case_id == world["case"].pk
    assert event.flagged is True
