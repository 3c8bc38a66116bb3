import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from violeta.cases import internal_protocol
from violeta.cases.models import EventKind
from violeta.cases.permissions import is_protocol_staff
from violeta.cases.selectors import visible_cases
from violeta.cases.tests.factories import CaseFactory, StaffFactory
from violeta.referrals.models import InstitutionKind, ReferralStatus
from violeta.referrals.tests.factories import institution, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def designated(db, director):
    user = StaffFactory(email="protocolo@imm.test", role="legal", area_id=None)
    from violeta.accounts.models import Area

    user.area = Area.objects.get(code="juridica")
    user.save()
    internal_protocol.internal_protocol_designate(user=user, by=director)
    return user


@pytest.fixture
def protocol_case(designated, lawyer, receptionist, coordinator):
    """A case opened by reception with a lawyer (whose area the coordinator coordinates), then put under the
    internal protocol by the designated staff member."""
    case = CaseFactory(opened_by=receptionist, team=(lawyer, designated))
    internal_protocol.internal_protocol_open(
        case=case, by=designated, dependency="Dirección de Obras Públicas", conduct="Hostigamiento sexual."
    )
    return case


def test_only_designated_staff_and_the_director_see_it(
    protocol_case, designated, director, lawyer, receptionist, coordinator, outsider
):
    assert visible_cases(designated).filter(pk=protocol_case.pk).exists()
    assert visible_cases(director).filter(pk=protocol_case.pk).exists()
    for user in (lawyer, receptionist, coordinator, outsider):  # on the team or coordinating it: still no
        assert not visible_cases(user).filter(pk=protocol_case.pk).exists()


def test_other_staff_get_404_on_the_case_and_its_pages(client, protocol_case, lawyer, coordinator):
    for user in (lawyer, coordinator):
        client.force_login(user)
        for url in (
            reverse("cases:detail", kwargs={"folio": protocol_case.folio}),
            reverse("referrals:case_list", kwargs={"folio": protocol_case.folio}),
            reverse("people:detail", kwargs={"pk": protocol_case.holder_id}),
        ):
            assert client.get(url).status_code == 404, url
        listing = client.get(reverse("cases:list") + "?scope=all&status=").content.decode()
        assert protocol_case.folio not in listing


def test_designated_staff_see_every_protocol_case(client, designated, receptionist, director):
    case = CaseFactory(opened_by=receptionist)  # she is not on this one's team
    internal_protocol.internal_protocol_open(
        case=case, by=director, dependency="Tesorería", conduct="Acoso laboral grave."
    )
    client.force_login(designated)
    assert client.get(reverse("cases:detail", kwargs={"folio": case.folio})).status_code == 200


def test_ordinary_cases_are_unaffected(lawyer, receptionist, designated):
    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    assert visible_cases(lawyer).filter(pk=case.pk).exists()
    assert not visible_cases(designated).filter(pk=case.pk).exists()


def test_only_protocol_staff_may_open_it(lawyer, receptionist):
    case = CaseFactory(opened_by=receptionist, team=(lawyer,))
    with pytest.raises(PermissionDenied):
        internal_protocol.internal_protocol_open(
            case=case, by=lawyer, dependency="DIF", conduct="Hostigamiento."
        )
    case.refresh_from_db()
    assert not case.is_internal_protocol


def test_dependency_and_conduct_are_required(designated, receptionist):
    case = CaseFactory(opened_by=receptionist, team=(designated,))
    with pytest.raises(ValidationError) as exc:
        internal_protocol.internal_protocol_open(case=case, by=designated, dependency=" ", conduct="")
    assert {"dependency", "conduct"} <= set(exc.value.message_dict)


def test_records_dependency_conduct_and_timeline(protocol_case):
    protocol_case.refresh_from_db()
    assert protocol_case.is_internal_protocol
    assert protocol_case.internal_protocol_dependency == "Dirección de Obras Públicas"
    assert protocol_case.internal_protocol_conduct == "Hostigamiento sexual."
    assert protocol_case.events.filter(kind=EventKind.STATUS).exists()


def test_referral_to_the_internal_control_body(protocol_case, designated):
    control = institution("oic", kind=InstitutionKind.INTERNAL_CONTROL, name="Órgano Interno de Control")
    referral = refer(protocol_case, designated, control)
    assert referral.status == ReferralStatus.SENT
    assert referral.institution.kind == InstitutionKind.INTERNAL_CONTROL


def test_the_page_is_for_protocol_staff(client, receptionist, lawyer, designated):
    case = CaseFactory(opened_by=receptionist, team=(lawyer, designated))
    url = reverse("cases:internal_protocol", kwargs={"folio": case.folio})
    client.force_login(lawyer)
    assert client.get(url).status_code == 404
    client.force_login(designated)
    assert client.get(url).status_code == 200
    response = client.post(url, {"dependency": "Tesorería municipal", "conduct": "Hostigamiento laboral."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_internal_protocol


def test_director_designates_and_removes(client, director, lawyer):
    client.force_login(director)
    url = reverse("cases:protocol_designations")
    assert client.post(url, {"user": lawyer.pk}).status_code == 302
    assert is_protocol_staff(lawyer)
    assert client.post(url, {"revoke": lawyer.pk}).status_code == 302
    assert not is_protocol_staff(lawyer)


def test_only_the_director_designates(lawyer, coordinator):
    with pytest.raises(PermissionDenied):
        internal_protocol.internal_protocol_designate(user=lawyer, by=coordinator)


def test_emergency_access_does_not_open_it(client, protocol_case, lawyer):
    from violeta.cases.models import CaseAccessGrant

    client.force_login(lawyer)
    response = client.post(
        reverse("cases:break_glass"),
        {"folio": protocol_case.folio, "reason": "Necesito revisar el expediente por una urgencia."},
    )
    assert response.status_code == 200
    assert "No hay un expediente con ese folio." in response.content.decode()
    assert not CaseAccessGrant.objects.exists()


def test_the_referrals_page_offers_the_referral_to_the_internal_control_body(
    client, protocol_case, designated
):
    control = institution("oic", kind=InstitutionKind.INTERNAL_CONTROL, name="Órgano Interno de Control")
    client.force_login(designated)
    page = client.get(reverse("referrals:case_list", kwargs={"folio": protocol_case.folio})).content.decode()
    assert "Dirección de Obras Públicas" in page
    assert (
        reverse("referrals:create", kwargs={"folio": protocol_case.folio}) + f"?institucion={control.pk}"
        in page
    )
