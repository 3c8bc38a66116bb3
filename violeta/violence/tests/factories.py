"""Helpers for violence tests: everything goes through the services, as the views do."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from violeta.violence.models import ProtectionOrder, RiskInstrument, ViolenceModality
from violeta.violence.services.incidents import incident_record
from violeta.violence.services.orders import protection_order_record
from violeta.violence.services.risk import risk_assessment_record
from violeta.violence.services.safety_plan import safety_plan_save

DATA = Path(__file__).resolve().parent / "data"


def epv_r() -> RiskInstrument:
    """The bundled EPV-R (loaded by the migration; reloaded if a transactional test emptied the table)."""
    instrument = RiskInstrument.objects.filter(code="epv-r").first()
    if instrument is None:
        call_command("risk_instruments_load", verbosity=0)
        instrument = RiskInstrument.objects.get(code="epv-r")
    return instrument


def made_up_instrument() -> RiskInstrument:
    call_command("risk_instruments_load", str(DATA / "made_up.json"), stdout=StringIO())
    return RiskInstrument.objects.get(code="prueba-corta")


def record_incident(case, by, **extra):
    return incident_record(
        case=case,
        by=by,
        occurred_on=extra.pop("occurred_on", timezone.localdate() - timedelta(days=3)),
        place_kind=extra.pop("place_kind", "shared_home"),
        types=extra.pop("types", ["psychological", "physical"]),
        modality=extra.pop("modality", ViolenceModality.FAMILY),
        narrative=extra.pop("narrative", "La empujó contra la pared durante una discusión."),
        **extra,
    )


def assess(case, by, instrument, yes=(), unknown=(), **extra):
    answers = {item["code"]: "no" for item in instrument.items}
    answers.update(dict.fromkeys(yes, "yes"))
    answers.update(dict.fromkeys(unknown, "unknown"))
    return risk_assessment_record(case=case, by=by, instrument=instrument, answers=answers, **extra)


def granted_order(case, by, *, granted_days_ago=50, lasts=60, **extra):
    today = timezone.localdate()
    granted = today - timedelta(days=granted_days_ago)
    return protection_order_record(
        case=case,
        by=by,
        kind=extra.pop("kind", ProtectionOrder.Kind.ADMINISTRATIVE),
        authority=extra.pop("authority", "Fiscalía Especializada en Atención a Mujeres Víctimas del Delito"),
        measures=extra.pop("measures", "Prohibición de acercarse al domicilio y al trabajo."),
        status=ProtectionOrder.Status.GRANTED,
        requested_on=granted,
        granted_on=granted,
        expires_on=granted + timedelta(days=lasts),
        **extra,
    )


def matrix_kwargs(kind: str):
    """For the authorization matrix: URL arguments of a violence object of the case under test."""

    def build(world) -> dict:
        case = world["case"]
        lawyer = case.opened_by
        if kind == "plan":
            safety_plan_save(case=case, by=lawyer, code_word="girasol")
            return {"folio": case.folio}
        if kind == "incident":
            obj = record_incident(case, lawyer)
        elif kind == "assessment":
            obj = assess(case, lawyer, epv_r(), yes=("1",))
        else:
            obj = granted_order(case, lawyer, granted_days_ago=5)
        return {"folio": case.folio, "pk": obj.pk}

    return build
