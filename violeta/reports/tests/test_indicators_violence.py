"""Violence, risk, priority, safety plans and protection orders against small data sets counted by hand.

The period is November 2026; every date below is moved there (or around it) after the services wrote it.
"""

import datetime

import pytest

from violeta.reports.indicators import Rule, get
from violeta.reports.tests.care_data import (
    NOVEMBER,
    at,
    case_opened,
    centro,
    close,
    on,
    stamp,
    woman,
)
from violeta.violence.models import PriorityChange, ProtectionOrder, ViolenceModality
from violeta.violence.services.orders import protection_order_update
from violeta.violence.services.risk import case_priority_lift, case_priority_mark
from violeta.violence.services.safety_plan import safety_plan_save
from violeta.violence.tests.factories import assess, epv_r, made_up_instrument, record_incident

# The made-up instrument's items weigh a=1, b=2, c=3; levels: low 0–1, moderate 2–3, high 4–5, extreme 6.
LOW, MODERATE, HIGH, EXTREME = (), ("b",), ("a", "c"), ("a", "b", "c")
ZERO = {"incidents": 0, "women": 0}


def incident(case, by, when, types, modality=ViolenceModality.FAMILY):
    return stamp(
        record_incident(case, by, types=types, modality=modality, occurred_on=on(1, 10)), recorded_at=when
    )


def assessed(case, by, instrument, when, yes):
    return stamp(assess(case, by, instrument, yes=yes), assessed_at=when)


@pytest.mark.django_db
def test_violence_by_type_and_modality_counts_incidents_recorded_in_the_period(lawyer, psychologist):
    ana = case_opened(at(1, 10), by=lawyer, holder=woman(neighborhood=centro(), consented_by=lawyer))
    bea = case_opened(
        at(1, 10), by=lawyer, holder=woman(born=datetime.date(2000, 1, 1)), team=(psychologist,)
    )
    cruz = case_opened(at(1, 10), by=lawyer)
    incident(ana, lawyer, at(5), ["psychological", "physical"])
    incident(ana, lawyer, at(20), ["psychological"], ViolenceModality.COMMUNITY)
    incident(bea, lawyer, at(12), ["physical", "sexual"])
    incident(cruz, lawyer, at(30, 10), ["economic"])  # recorded in October: outside

    types = get("violence_types")(NOVEMBER)
    assert not types.additive
    assert types.as_dict() == {
        ("Psicológica",): {"incidents": 2, "women": 1},
        ("Física",): {"incidents": 2, "women": 2},
        ("Patrimonial",): ZERO,
        ("Económica",): ZERO,
        ("Sexual",): {"incidents": 1, "women": 1},
        ("Vicaria",): ZERO,
        ("Otra forma análoga",): ZERO,
    }
    statistics = get("violence_types")(NOVEMBER, Rule.STATISTICS).as_dict()  # Ana alone consented
    assert statistics[("Psicológica",)] == {"incidents": 2, "women": 1}
    assert statistics[("Física",)] == {"incidents": 1, "women": 1}
    assert statistics[("Sexual",)] == ZERO
    young = get("violence_types")(NOVEMBER.but(age_group="18-29")).as_dict()  # Bea alone is 18–29
    assert young[("Psicológica",)] == ZERO
    assert young[("Física",)] == young[("Sexual",)] == {"incidents": 1, "women": 1}
    # The area is the case's team: only Bea's case has psychology on it.
    assert get("violence_types")(NOVEMBER.but(area="psicologia")).as_dict() == young

    modalities = get("violence_modalities")(NOVEMBER).as_dict()
    assert modalities[("Familiar",)] == {"incidents": 2, "women": 2}
    assert modalities[("En la comunidad",)] == {"incidents": 1, "women": 1}
    assert sum(row["incidents"] for row in modalities.values()) == 3
    statistics = get("violence_modalities")(NOVEMBER, Rule.STATISTICS).as_dict()
    assert statistics[("Familiar",)] == statistics[("En la comunidad",)] == {"incidents": 1, "women": 1}
    assert get("violence_modalities")(NOVEMBER.but(neighborhood=ana.holder.neighborhood_id)).as_dict()[
        ("Familiar",)
    ] == {"incidents": 1, "women": 1}


@pytest.mark.django_db
def test_risk_levels_take_each_cases_latest_assessment_in_the_period_and_compare_it_with_her_first(lawyer):
    made_up, epv = made_up_instrument(), epv_r()
    place = centro()
    ana = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    assessed(ana, lawyer, made_up, at(10, 10), MODERATE)
    assessed(ana, lawyer, made_up, at(8), LOW)
    assessed(ana, lawyer, made_up, at(25), HIGH)  # latest in November: high; rose from moderate
    bea = case_opened(at(1, 9), by=lawyer)
    assessed(bea, lawyer, made_up, at(3), MODERATE)  # her only assessment: no change to speak of
    cruz = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    assessed(cruz, lawyer, made_up, at(1, 9), EXTREME)
    assessed(cruz, lawyer, made_up, at(15), LOW)  # fell
    dora = case_opened(at(1, 9), by=lawyer)
    assessed(dora, lawyer, made_up, at(1, 10), LOW)
    assessed(dora, lawyer, made_up, at(2, 12), HIGH)  # December: not in November's figures
    eva = case_opened(at(1, 9), by=lawyer, holder=woman(neighborhood=place))
    assessed(eva, lawyer, made_up, at(10), MODERATE)
    assessed(eva, lawyer, made_up, at(20), MODERATE)  # same
    fay = case_opened(at(1, 9), by=lawyer)
    assessed(fay, lawyer, epv, at(5, 10), ())  # EPV-R, low
    assessed(fay, lawyer, made_up, at(6), LOW)  # another instrument: not compared

    levels = get("risk_levels")(NOVEMBER)
    assert levels.additive
    assert levels.as_dict() == {
        ("EPV-R", "Bajo"): {"cases": 0},
        ("EPV-R", "Moderado"): {"cases": 0},
        ("EPV-R", "Alto"): {"cases": 0},
        ("PRUEBA-CORTA", "Bajo"): {"cases": 2},  # Cruz, Fay
        ("PRUEBA-CORTA", "Moderado"): {"cases": 2},  # Bea, Eva
        ("PRUEBA-CORTA", "Alto"): {"cases": 1},  # Ana
        ("PRUEBA-CORTA", "Extremo"): {"cases": 0},
    }
    statistics = get("risk_levels")(NOVEMBER, Rule.STATISTICS).as_dict()
    assert {key: value["cases"] for key, value in statistics.items() if value["cases"]} == {
        ("PRUEBA-CORTA", "Bajo"): 1,
        ("PRUEBA-CORTA", "Alto"): 1,
    }
    in_place = get("risk_levels")(NOVEMBER.but(neighborhood=place.pk)).as_dict()
    assert {key: value["cases"] for key, value in in_place.items() if value["cases"]} == {
        ("PRUEBA-CORTA", "Moderado"): 1
    }

    change = get("risk_change")(NOVEMBER)
    assert change.as_dict() == {
        ("Subió",): {"cases": 1},
        ("Se mantuvo",): {"cases": 1},
        ("Bajó",): {"cases": 1},
        ("No comparable (otro instrumento)",): {"cases": 1},
    }
    assert get("risk_change")(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Subió",): {"cases": 1},
        ("Se mantuvo",): {"cases": 0},
        ("Bajó",): {"cases": 1},
        ("No comparable (otro instrumento)",): {"cases": 0},
    }
    assert get("risk_change")(NOVEMBER.but(neighborhood=place.pk)).as_dict()[("Se mantuvo",)] == {"cases": 1}


def _marked(case, by, when, *, judgement=True):
    if judgement:
        case_priority_mark(case=case, by=by, reason="Lo que contó hoy en la consulta.")
    change = PriorityChange.objects.filter(case=case).order_by("-id").first()
    stamp(change, changed_at=when)
    return stamp(case, priority_since=when)


@pytest.mark.django_db
def test_priority_cases_made_in_the_period_and_at_its_end(lawyer, director):
    made_up, place = made_up_instrument(), centro()
    ana = case_opened(at(1, 9), by=lawyer)
    assessed(ana, lawyer, made_up, at(20, 10), HIGH)
    _marked(ana, lawyer, at(20, 10), judgement=False)
    case_priority_lift(case=ana, by=director, reason="El riesgo bajó: él se mudó de estado.")
    stamp(PriorityChange.objects.filter(case=ana, action="lifted").get(), changed_at=at(10))
    bea = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    _marked(bea, lawyer, at(5))
    cruz = case_opened(at(1, 9), by=lawyer, holder=woman(neighborhood=place))
    assessed(cruz, lawyer, made_up, at(12), HIGH)
    _marked(cruz, lawyer, at(12), judgement=False)
    dora = case_opened(at(1, 8), by=lawyer, holder=woman(consented_by=lawyer))
    _marked(dora, lawyer, at(1, 9))
    eva = case_opened(at(1, 8), by=lawyer)
    _marked(eva, lawyer, at(1, 9))
    close(eva, lawyer, at(20))  # still flagged, but closed at the period's end
    fay = case_opened(at(1, 8), by=lawyer)
    _marked(fay, lawyer, at(2, 12))  # December

    table = get("priority_cases")(NOVEMBER)
    assert not table.additive
    assert table.as_dict() == {
        ("Prioritarios en el periodo: por valoración de riesgo",): {"cases": 1},
        ("Prioritarios en el periodo: por juicio profesional",): {"cases": 1},
        ("Prioridad retirada en el periodo",): {"cases": 1},
        ("Prioritarios al final del periodo (abiertos)",): {"cases": 3},
    }
    assert list(get("priority_cases")(NOVEMBER, Rule.STATISTICS).column("cases")) == [0, 1, 0, 2]
    assert list(get("priority_cases")(NOVEMBER.but(neighborhood=place.pk)).column("cases")) == [1, 0, 0, 1]


@pytest.mark.django_db
def test_safety_plans_of_the_high_risk_cases_open_at_the_periods_end(lawyer):
    made_up = made_up_instrument()

    def plan(case, when):
        stamp(safety_plan_save(case=case, by=lawyer, code_word="girasol"), created_at=when)

    ana = case_opened(at(1, 9), by=lawyer, holder=woman(born=datetime.date(2000, 3, 1)))
    assessed(ana, lawyer, made_up, at(10), HIGH)
    plan(ana, at(12))
    bea = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    assessed(bea, lawyer, made_up, at(5, 10), HIGH)
    plan(bea, at(1, 12))  # made after the period: she had none at its end
    cruz = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    assessed(cruz, lawyer, made_up, at(3), EXTREME)
    plan(cruz, at(1, 10))
    dora = case_opened(at(1, 9), by=lawyer)
    assessed(dora, lawyer, made_up, at(1, 10), HIGH)
    assessed(dora, lawyer, made_up, at(20), LOW)  # no longer high
    eva = case_opened(at(1, 9), by=lawyer)
    assessed(eva, lawyer, made_up, at(2), HIGH)
    close(eva, lawyer, at(25))
    fay = case_opened(at(1, 9), by=lawyer)
    assessed(fay, lawyer, made_up, at(2, 12), HIGH)  # December

    table = get("safety_plans")(NOVEMBER)
    assert table.additive
    assert [c.kind for c in table.value_columns] == ["count", "count", "percent"]
    assert table.as_dict() == {
        ("PRUEBA-CORTA", "Alto"): {"cases": 2, "with_plan": 1, "percent": 50.0},
        ("PRUEBA-CORTA", "Extremo"): {"cases": 1, "with_plan": 1, "percent": 100.0},
    }
    assert get("safety_plans")(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("PRUEBA-CORTA", "Alto"): {"cases": 1, "with_plan": 0, "percent": 0.0},
        ("PRUEBA-CORTA", "Extremo"): {"cases": 1, "with_plan": 1, "percent": 100.0},
    }
    assert get("safety_plans")(NOVEMBER.but(age_group="18-29")).as_dict() == {
        ("PRUEBA-CORTA", "Alto"): {"cases": 1, "with_plan": 1, "percent": 100.0},
    }


@pytest.mark.django_db
def test_protection_orders_requested_granted_and_expiring_in_the_period_by_kind(lawyer):
    place = centro()
    administrative, judicial = ProtectionOrder.Kind.ADMINISTRATIVE, ProtectionOrder.Kind.JUDICIAL

    def order(case, kind, requested, status="requested", **dates):
        from violeta.violence.services.orders import protection_order_record

        return protection_order_record(
            case=case,
            by=lawyer,
            kind=kind,
            authority="Fiscalía Especializada",
            requested_on=requested,
            status=status,
            **dates,
        )

    ana = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    order(ana, administrative, on(3))  # requested in November
    order(ana, judicial, on(20, 10), "granted", granted_on=on(2), expires_on=on(1, 12))  # granted in November
    bea = case_opened(at(1, 9), by=lawyer, holder=woman(neighborhood=place))
    order(bea, administrative, on(20, 9), "granted", granted_on=on(25, 9), expires_on=on(20))  # expires
    cruz = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    order(  # extended into November: expires then
        cruz,
        administrative,
        on(1, 9),
        "granted",
        granted_on=on(2, 9),
        expires_on=on(30, 10),
        extended_until=on(25),
    )
    dora = case_opened(at(1, 9), by=lawyer)
    revoked = order(dora, administrative, on(10, 9), "granted", granted_on=on(10, 9), expires_on=on(5))
    protection_order_update(order=revoked, by=lawyer, status=ProtectionOrder.Status.REVOKED)
    eva = case_opened(at(1, 9), by=lawyer)
    order(  # extended past November
        eva,
        judicial,
        on(1, 10),
        "granted",
        granted_on=on(1, 10),
        expires_on=on(29),
        extended_until=on(20, 12),
    )
    fay = case_opened(at(1, 9), by=lawyer, holder=woman(neighborhood=place))
    order(fay, administrative, on(15), "denied")  # requested in November, denied

    table = get("protection_orders")(NOVEMBER)
    assert table.additive
    assert table.as_dict() == {
        ("Administrativa (Ministerio Público)",): {"requested": 2, "granted": 0, "expiring": 2},
        ("Judicial",): {"requested": 0, "granted": 1, "expiring": 0},
    }
    assert get("protection_orders")(NOVEMBER, Rule.STATISTICS).as_dict() == {
        ("Administrativa (Ministerio Público)",): {"requested": 1, "granted": 0, "expiring": 1},
        ("Judicial",): {"requested": 0, "granted": 1, "expiring": 0},
    }
    assert get("protection_orders")(NOVEMBER.but(neighborhood=place.pk)).as_dict() == {
        ("Administrativa (Ministerio Público)",): {"requested": 1, "granted": 0, "expiring": 1},
        ("Judicial",): {"requested": 0, "granted": 0, "expiring": 0},
    }
