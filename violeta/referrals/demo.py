"""Demo data for referrals: Chihuahua's partner network, DIF's liaison, referrals in every state (one overdue),
a woman referred by DIF waiting for her intake, and an internal-protocol case.

Built through the services, like the rest of the demo; afterwards each referral's steps are moved to the past
moments they stand for (the audit log keeps the true time).
"""

from datetime import timedelta

from django.db.models import Max

from violeta.cases import internal_protocol
from violeta.cases.models import Case, CaseEvent
from violeta.core.demo import Demo
from violeta.people.models import Consent
from violeta.referrals import inbound as inbound_referrals
from violeta.referrals import services
from violeta.referrals.models import InstitutionKind, Outcome, Referral, ReferralEvent, Urgency
from violeta.referrals.network import institution_create, liaison_link

# Chihuahua's partners in "Juntas por nosotras" and the others the institute refers to. Data, not code: another
# institute loads its own. Contact details are the public lines; addresses are left general on purpose.
INSTITUTIONS = (
    {
        "code": "dspm",
        "short_name": "DSPM",
        "name": "Dirección de Seguridad Pública Municipal",
        "kind": InstitutionKind.POLICE,
        "services": "Atención policial, acompañamiento para denuncias, Unidad de Atención a Víctimas.",
        "address": "Chihuahua, Chih.",
        "hours": "Todos los días, 24 horas",
        "phone": "9-1-1",
        "response_days": 2,
    },
    {
        "code": "dif",
        "short_name": "DIF",
        "name": "DIF Municipal de Chihuahua",
        "kind": InstitutionKind.DIF,
        "services": "Protección de niñas, niños y adolescentes; guarderías; apoyos alimentarios; asistencia social.",
        "address": "Chihuahua, Chih.",
        "hours": "Lunes a viernes, 8:00 a 15:00",
        "phone": "072",
        "contact_name": "Enlace de Juntas por nosotras",
        "response_days": 5,
    },
    {
        "code": "cappsi",
        "short_name": "CAPPSI",
        "name": "Centro de Atención y Prevención Psicológica (CAPPSI)",
        "kind": InstitutionKind.MENTAL_HEALTH,
        "services": "Atención psicológica individual y grupal, prevención.",
        "address": "Chihuahua, Chih.",
        "hours": "Lunes a viernes, 9:00 a 17:00",
        "response_days": 10,
    },
    {
        "code": "cejum",
        "short_name": "CEJUM",
        "name": "Centro de Justicia para las Mujeres",
        "kind": InstitutionKind.JUSTICE_CENTER,
        "services": "Ministerio Público, atención médica, psicológica y jurídica, refugio temporal.",
        "address": "Chihuahua, Chih.",
        "hours": "Todos los días, 24 horas",
        "response_days": 3,
    },
    {
        "code": "fiscalia",
        "short_name": "FEM",
        "name": "Fiscalía Especializada en Atención a Mujeres Víctimas del Delito por Razones de Género",
        "kind": InstitutionKind.PROSECUTOR,
        "services": "Denuncias, órdenes de protección, investigación.",
        "address": "Chihuahua, Chih.",
        "hours": "Todos los días, 24 horas",
        "response_days": 3,
    },
    {
        "code": "911",
        "short_name": "911",
        "name": "Línea de emergencias 9-1-1",
        "kind": InstitutionKind.EMERGENCY,
        "services": "Emergencias.",
        "phone": "9-1-1",
        "hours": "Todos los días, 24 horas",
        "response_days": 1,
    },
    {
        "code": "oic",
        "short_name": "OIC",
        "name": "Órgano Interno de Control del Municipio de Chihuahua",
        "kind": InstitutionKind.INTERNAL_CONTROL,
        "services": "Investigación y sanción de faltas de servidoras y servidores públicos municipales.",
        "address": "Chihuahua, Chih.",
        "hours": "Lunes a viernes, 8:00 a 15:00",
        "response_days": 10,
    },
)

SUMMARY = {
    "dif": "Madre de dos niños en edad preescolar; requiere espacio en guardería para sostener su empleo y "
    "apoyo alimentario mientras se resuelve la pensión.",
    "cappsi": "Ha recibido contención en crisis en el instituto; solicita acompañamiento psicológico grupal "
    "cerca de su domicilio.",
    "cejum": "Desea presentar denuncia y solicitar orden de protección; riesgo valorado como moderado.",
    "dspm": "Riesgo alto valorado por el instituto; se solicitan rondines de vigilancia en su domicilio.",
    "fiscalia": "Requiere orientación sobre su denuncia en curso.",
    "oic": "Servidora pública municipal; reporta hostigamiento laboral de su superior. Se remite para la "
    "investigación y, en su caso, la sanción conforme al protocolo interno.",
}


class _Stamper:
    """Moves the rows a referral service just wrote (stamped now) to the past moment they stand for."""

    MODELS = ((ReferralEvent, "at"), (CaseEvent, "at"), (Consent, "recorded_at"))

    def __init__(self):
        self.seen = {model: model.objects.aggregate(m=Max("pk"))["m"] or 0 for model, _ in self.MODELS}

    def stamp(self, at) -> None:
        for model, name in self.MODELS:
            new = model.objects.filter(pk__gt=self.seen[model])
            values = {name: at}
            if model is Consent:
                values["given_on"] = at.date()
            if new.update(**values):
                self.seen[model] = new.aggregate(m=Max("pk"))["m"]


def load(demo: Demo) -> None:
    users = demo["accounts.users"]
    director, social, coordinator = (
        users["direccion"],
        users["trabajo.social"],
        users["coordinacion.juridica"],
    )
    liaison = users["enlace.dif"]
    network = {data["code"]: institution_create(by=director, **data) for data in INSTITUTIONS}
    liaison_link(user=liaison, institution=network["dif"], by=users["sistemas"])

    # Active cases the social worker attends, oldest first: deterministic.
    cases = list(
        Case.objects.filter(status__in=["open", "follow_up", "reopened"], team_members__user=social)
        .order_by("opened_at", "pk")
        .distinct()[:8]
    )
    if len(cases) < 7:
        return
    end = demo.last_moment
    stamper = _Stamper()

    def refer(case, code, *, days_ago, consent=True, send=True, by=social, override=""):
        at = end - timedelta(days=days_ago)
        referral = services.referral_create(
            case=case,
            by=by,
            institution=network[code],
            reason="Canalización para atención especializada.",
            shared_summary=SUMMARY[code],
            urgency=Urgency.PRIORITY if code in ("dspm", "cejum") else Urgency.ORDINARY,
            consent_given=consent,
            consent_scope=f"Compartir el resumen de la canalización con {network[code].short_name}."
            if consent
            else "",
            send=send,
            override_reason=override,
        )
        stamper.stamp(at)
        due = at + timedelta(days=network[code].response_days) if send else None
        Referral.objects.filter(pk=referral.pk).update(
            created_at=at, sent_at=at if send else None, due_at=due
        )
        referral.refresh_from_db()
        return referral

    def then(referral, days_later, action, **kwargs):
        at = referral.sent_at + timedelta(days=days_later)
        action(referral=referral, **kwargs)
        stamper.stamp(at)
        referral.refresh_from_db()
        changes = {"answered_at": referral.answered_at and min(referral.answered_at, at)}
        if referral.closed_at:
            changes["closed_at"] = at
        Referral.objects.filter(pk=referral.pk).update(**changes)

    # DIF: one attended with its counter-referral, one received, one with no answer (overdue).
    attended = refer(cases[0], "dif", days_ago=40)
    then(attended, 2, services.referral_accept, by=liaison, note="Se le asignó trabajadora social.")
    then(
        attended,
        9,
        services.referral_report_back,
        by=liaison,
        counter_referral="Se inscribió a sus hijos en la guardería del DIF y recibe despensa mensual.",
        outcome=Outcome.SERVICE_GIVEN,
    )
    received = refer(cases[1], "dif", days_ago=6)
    then(received, 1, services.referral_accept, by=liaison)
    refer(cases[2], "dif", days_ago=12)  # overdue: DIF answers within 5 days
    # Others, answered by the case team on the institution's behalf (it has no accounts).
    cappsi = refer(cases[3], "cappsi", days_ago=3)
    rejected = refer(cases[4], "cejum", days_ago=20)
    then(
        rejected,
        1,
        services.referral_reject,
        by=social,
        reason="Le corresponde a la Fiscalía de su distrito.",
    )
    refer(cases[5], "fiscalia", days_ago=1, consent=False, send=False)  # a draft waiting for her consent
    flagged = refer(
        cases[6],
        "dspm",
        days_ago=8,
        consent=False,
        by=coordinator,
        override="Riesgo alto y no fue posible localizarla para recabar su firma; se solicita vigilancia urgente.",
    )
    then(flagged, 0, services.referral_accept, by=coordinator, note="Confirmado por teléfono con la DSPM.")
    then(flagged, 3, services.referral_start_attention, by=coordinator)
    # CAPPSI accepts, then declines after its assessment: not within its competence.
    then(cappsi, 0, services.referral_accept, by=social, note="Confirmado por teléfono con CAPPSI.")
    then(
        cappsi,
        2,
        services.referral_reject,
        by=social,
        reason="Tras la valoración inicial, no es de su competencia: requiere atención psiquiátrica en el hospital.",
    )

    # A woman DIF refers to the institute: an intake draft for reception.
    inbound_referrals.inbound_referral_create(
        by=liaison,
        given_names="Guadalupe",
        first_surname="Ornelas",
        second_surname="Rascón",
        phone="+526141239876",
        safe_to_call=True,
        reason="Acudió al DIF por apoyo alimentario; refiere violencia económica de su expareja y pide asesoría "
        "jurídica para la pensión alimenticia.",
        urgency=Urgency.ORDINARY,
        consent_given=True,
    )

    # The internal protocol: a designated lawyer attends a municipal public servant and refers to the OIC.
    designated = users["abogada2"]
    internal_protocol.internal_protocol_designate(user=designated, by=director)
    protocol_case = cases[7] if len(cases) > 7 else None
    if protocol_case is not None:
        internal_protocol.internal_protocol_open(
            case=protocol_case,
            by=designated,
            dependency="Dirección de Desarrollo Urbano",
            conduct="Hostigamiento laboral y comentarios sexuales reiterados de su superior jerárquico.",
        )
        stamper.stamp(end - timedelta(days=15))
        oic = refer(protocol_case, "oic", days_ago=14, by=designated)
        then(
            oic, 4, services.referral_accept, by=designated, note="Recibido por oficialía de partes del OIC."
        )
    # A draft cancelled before it was sent (made last so the other folios stay as they were).
    cancelled = refer(cases[3], "dspm", days_ago=2, send=False)
    services.referral_cancel(
        referral=cancelled, by=social, reason="Ella decidió acudir directamente con su abogada particular."
    )
    stamper.stamp(end - timedelta(days=1))
    Referral.objects.filter(pk=cancelled.pk).update(closed_at=end - timedelta(days=1))
    demo.counts["referrals"] = Referral.objects.count()
