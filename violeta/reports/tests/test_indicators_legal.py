"""Legal matters by kind and outcome against a small data set counted by hand (November 2026)."""

import pytest

from violeta.legal.models import MatterKind, MatterStage
from violeta.legal.services import matter_open, matter_stage_set
from violeta.reports.indicators import Rule, get
from violeta.reports.tests.care_data import NOVEMBER, at, case_opened, centro, stamp, woman

NOTHING = {"opened": 0, "concluded": 0, "withdrawn": 0}


@pytest.mark.django_db
def test_legal_matters_opened_and_concluded_in_the_period_by_kind_and_outcome(lawyer):
    place = centro()

    def matter(case, kind, opened):
        return stamp(matter_open(case=case, by=lawyer, kind=kind), opened_at=opened)

    def stage(matter, stage, when):
        matter_stage_set(matter=matter, by=lawyer, stage=stage, at=when)

    ana = case_opened(at(1, 9), by=lawyer, holder=woman(consented_by=lawyer))
    matter(ana, MatterKind.DIVORCE, at(3))  # opened in November
    alimony = matter(ana, MatterKind.ALIMONY, at(1, 10))
    stage(alimony, MatterStage.CONCLUDED, at(20))  # concluded in November
    bea = case_opened(at(1, 9), by=lawyer, holder=woman(neighborhood=place))
    custody = matter(bea, MatterKind.CUSTODY, at(10))
    stage(custody, MatterStage.WITHDRAWN, at(25))  # opened and withdrawn in November
    cruz = case_opened(at(1, 9), by=lawyer)
    earlier = matter(cruz, MatterKind.ALIMONY, at(1, 9))
    stage(earlier, MatterStage.CONCLUDED, at(15, 10))  # October
    dora = case_opened(at(1, 9), by=lawyer)
    appealed = matter(dora, MatterKind.DIVORCE, at(1, 10))
    stage(appealed, MatterStage.CONCLUDED, at(5))
    stage(appealed, MatterStage.IN_PROCESS, at(8))  # appealed: not concluded after all
    eva = case_opened(at(1, 9), by=lawyer)
    later = matter(eva, MatterKind.ALIMONY, at(2, 10))
    stage(later, MatterStage.WITHDRAWN, at(1, 12))  # December

    table = get("legal_matters")(NOVEMBER)
    assert table.additive
    assert "area" not in get("legal_matters").filters
    figures = table.as_dict()
    assert len(figures) == len(MatterKind.choices)
    assert figures[("Divorcio",)] == {"opened": 1, "concluded": 0, "withdrawn": 0}
    assert figures[("Pensión alimenticia",)] == {"opened": 0, "concluded": 1, "withdrawn": 0}
    assert figures[("Guarda y custodia",)] == {"opened": 1, "concluded": 0, "withdrawn": 1}
    named = {("Divorcio",), ("Pensión alimenticia",), ("Guarda y custodia",)}
    assert all(value == NOTHING for key, value in figures.items() if key not in named)

    statistics = get("legal_matters")(NOVEMBER, Rule.STATISTICS).as_dict()  # Ana alone consented
    assert statistics[("Divorcio",)] == {"opened": 1, "concluded": 0, "withdrawn": 0}
    assert statistics[("Pensión alimenticia",)] == {"opened": 0, "concluded": 1, "withdrawn": 0}
    assert statistics[("Guarda y custodia",)] == NOTHING
    in_place = get("legal_matters")(NOVEMBER.but(neighborhood=place.pk)).as_dict()
    assert {key: value for key, value in in_place.items() if value != NOTHING} == {
        ("Guarda y custodia",): {"opened": 1, "concluded": 0, "withdrawn": 1}
    }
