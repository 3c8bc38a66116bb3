import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from violeta.accounts.models import Role
from violeta.audit.models import Action, AuditEvent
from violeta.cases.tests.factories import CaseFactory
from violeta.conftest import make_user
from violeta.notifications.models import Notification
from violeta.privacy.models import ArcoRight, RectificationNotice
from violeta.privacy.services.rectification import arco_rectify
from violeta.privacy.tests.factories import arco
from violeta.referrals.tests.factories import dif, institution, link, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(lawyer, dif_liaison):
    """Her case, referred to DIF (twice) and to the state prosecutor; a draft to a third one never left."""
    case = CaseFactory(opened_by=lawyer)
    inst = dif()
    link(dif_liaison, inst)
    refer(case, lawyer, inst)
    refer(case, lawyer, inst)
    fiscalia = institution("fiscalia", name="Fiscalía Especializada de la Mujer")
    refer(case, lawyer, fiscalia)
    refer(case, lawyer, institution("salud", name="Secretaría de Salud"), send=False)
    return case


def test_rectification_is_applied_and_passed_on_to_each_institution(referred, director, dif_liaison):
    person = referred.holder
    request = arco(person, director, right=ArcoRight.RECTIFICATION)
    notices = arco_rectify(
        request=request, by=director, changes={"second_surname": "Corregido", "address": "Calle Nueva 5"}
    )
    person.refresh_from_db()
    assert person.second_surname == "Corregido" and person.address == "Calle Nueva 5"
    assert AuditEvent.objects.filter(
        action=Action.UPDATE,
        object_type="people.person",
        object_id=str(person.pk),
        detail__contains="identif",
    ).exists()
    assert sorted(n.institution.code for n in notices) == ["dif", "fiscalia"]  # the draft never left
    dif_notice = next(n for n in notices if n.institution.code == "dif")
    assert "Corregido" in dif_notice.corrections
    assert "Calle Nueva" not in dif_notice.corrections  # the institutions never received her address
    notice = Notification.objects.get(recipient=dif_liaison, kind="privacy")
    assert person.full_name not in notice.message and "Corregido" not in notice.message


def test_the_liaison_sees_and_acknowledges_it_in_her_portal(referred, director, dif_liaison, client):
    request = arco(referred.holder, director, right=ArcoRight.RECTIFICATION)
    arco_rectify(request=request, by=director, changes={"given_names": "Ana Corregida"})
    notice = RectificationNotice.objects.get(institution__code="dif")
    client.force_login(dif_liaison)
    assert notice.referral_folio in client.get(reverse("privacy:liaison_notices")).content.decode()
    page = client.get(reverse("privacy:liaison_notice", kwargs={"pk": notice.pk}))
    assert "Ana Corregida" in page.content.decode()
    client.post(reverse("privacy:liaison_notice", kwargs={"pk": notice.pk}))
    notice.refresh_from_db()
    assert notice.acknowledged_by == dif_liaison
    # another institution's liaison cannot open it
    other = make_user("enlace@fiscalia.test", Role.LIAISON)
    link(other, institution("fiscalia"))
    client.force_login(other)
    assert client.get(reverse("privacy:liaison_notice", kwargs={"pk": notice.pk})).status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=other).exists()


def test_a_wrong_correction_changes_nothing(referred, director):
    person = referred.holder
    request = arco(person, director, right=ArcoRight.RECTIFICATION)
    with pytest.raises(ValidationError):
        arco_rectify(request=request, by=director, changes={"curp": "NO-ES-CURP", "given_names": "X"})
    person.refresh_from_db()
    assert person.given_names != "X"
    assert not RectificationNotice.objects.exists()


def test_rectification_page(referred, director, client):
    request = arco(referred.holder, director, right=ArcoRight.RECTIFICATION)
    client.force_login(director)
    url = reverse("privacy:arco_rectify", kwargs={"pk": request.pk})
    form = client.get(url).context["form"]
    data = {k: (v if v is not None else "") for k, v in form.initial.items()}
    data["phone"] = form.fields["phone"].prepare_value(data["phone"])
    data["phone_alt"] = form.fields["phone_alt"].prepare_value(data["phone_alt"])
    data["birth_date"] = data["birth_date"].isoformat() if data["birth_date"] else ""
    data["given_names"] = "Nombre Corregido"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    referred.holder.refresh_from_db()
    assert referred.holder.given_names == "Nombre Corregido"
    assert RectificationNotice.objects.count() == 2


def test_a_birth_date_corrected_into_the_future_changes_nothing(referred, director):
    """Issue 16: a rectification is a write of her birth date too; it is checked against sense."""
    from datetime import date

    person = referred.holder
    before = person.birth_date
    request = arco(person, director, right=ArcoRight.RECTIFICATION)
    with pytest.raises(ValidationError) as exc:
        arco_rectify(request=request, by=director, changes={"birth_date": date(2030, 1, 15)})
    assert "birth_date" in exc.value.message_dict
    person.refresh_from_db()
    assert person.birth_date == before
    assert not RectificationNotice.objects.exists()
