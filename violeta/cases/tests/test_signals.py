"""The signals the cases app sends to the apps above it run inside the service's transaction."""

import pytest

from violeta.cases import signals
from violeta.cases.models import Case, CaseStatus, CaseTeamMember
from violeta.cases.services import case_close, case_team_add
from violeta.cases.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _boom(sender, **kwargs):
    raise Boom


def test_case_closed_is_sent_with_the_case_and_who_closed_it(lawyer):
    case = CaseFactory(opened_by=lawyer)
    seen = []

    def receiver(sender, *, case, by, **kwargs):
        seen.append((sender, case.status, by))

    signals.case_closed.connect(receiver)
    try:
        case_close(case=case, by=lawyer, reason="concluded")
    finally:
        signals.case_closed.disconnect(receiver)
    assert seen == [(Case, CaseStatus.CLOSED, lawyer)]


def test_a_failing_receiver_of_case_closed_rolls_the_closure_back(lawyer):
    case = CaseFactory(opened_by=lawyer)
    signals.case_closed.connect(_boom)
    try:
        with pytest.raises(Boom):
            case_close(case=case, by=lawyer, reason="concluded")
    finally:
        signals.case_closed.disconnect(_boom)
    assert Case.objects.get(pk=case.pk).status != CaseStatus.CLOSED


def test_a_failing_receiver_of_case_team_changed_rolls_the_team_change_back(lawyer, psychologist):
    case = CaseFactory(opened_by=lawyer)
    signals.case_team_changed.connect(_boom)
    try:
        with pytest.raises(Boom):
            case_team_add(case=case, user=psychologist, by=lawyer)
    finally:
        signals.case_team_changed.disconnect(_boom)
    assert not CaseTeamMember.objects.filter(case=case, user=psychologist).exists()


def test_the_area_apps_are_connected():
    # violence follows the team, psychology follows the closure (AppConfig.ready)
    assert "violence.case_team_changed" in {r[0][0] for r in signals.case_team_changed.receivers}
    assert "psychology.plans_pending_discharge" in {r[0][0] for r in signals.case_closed.receivers}
