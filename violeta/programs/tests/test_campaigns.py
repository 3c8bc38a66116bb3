"""Campaigns and their events: the people each event reached, as counts by sex and age group (no names), and the
campaign's total."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import Action, AuditEvent
from violeta.programs import visit_selectors, visits
from violeta.programs.models import AgeGroup, Campaign, CampaignEvent, EventKind, EventReach, Program, Sex
from violeta.programs.tests import factories
from violeta.programs.visit_forms import reach_field_name

pytestmark = pytest.mark.django_db


def event_data(campaign, **overrides):
    data = {
        "title": "Marcha por el Día Internacional de la Eliminación de la Violencia contra la Mujer",
        "kind": "march",
        "held_on": campaign.starts_on.isoformat(),
        "place": "Plaza de Armas",
        reach_field_name(Sex.WOMAN, AgeGroup.FROM_18): "120",
        reach_field_name(Sex.WOMAN, AgeGroup.FROM_30): "80",
        reach_field_name(Sex.MAN, AgeGroup.FROM_18): "25",
        reach_field_name(Sex.OTHER, AgeGroup.UNDER_18): "",
    }
    data.update(overrides)
    return data


def test_a_trainer_creates_the_16_days_campaign_and_its_events_and_sees_the_total(client, trainer):
    client.force_login(trainer)
    start = timezone.localdate() - timedelta(days=5)
    response = client.post(
        reverse("programs:campaign_create"),
        {
            "name": "16 días de activismo",
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=15)).isoformat(),
            "description": "Del 25 de noviembre al 10 de diciembre.",
        },
    )
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("programs:campaign_detail", args=[campaign.pk])
    assert campaign.program == Program.CAMPAIGN
    url = reverse("programs:campaign_event_create", args=[campaign.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, event_data(campaign))["Location"] == reverse(
        "programs:campaign_detail", args=[campaign.pk]
    )
    client.post(
        url,
        event_data(
            campaign,
            title="Feria de servicios en la colonia Riberas",
            kind="fair",
            held_on=(start + timedelta(days=3)).isoformat(),
            **{
                reach_field_name(Sex.WOMAN, AgeGroup.FROM_18): "40",
                reach_field_name(Sex.WOMAN, AgeGroup.FROM_30): "",
                reach_field_name(Sex.MAN, AgeGroup.FROM_18): "0",
                reach_field_name(Sex.WOMAN, AgeGroup.FROM_60): "12",
            },
        ),
    )
    assert CampaignEvent.objects.count() == 2
    # only the non-zero cells are stored
    assert EventReach.objects.count() == 5
    page = client.get(reverse("programs:campaign_detail", args=[campaign.pk])).content.decode()
    assert "277 personas alcanzadas en total" in page
    assert '<td class="text-end fw-semibold" data-testid="reach-total">277</td>' in page
    assert "Feria de servicios en la colonia Riberas" in page
    summary = visit_selectors.campaign_summary(campaign)
    assert [e.people for e in summary["events"]] == [225, 52]
    woman = next(row for row in summary["reach"].rows if row[0] == "Mujer")
    assert woman[1] == [0, 160, 80, 0, 12] and woman[2] == 252
    listing = client.get(reverse("programs:campaign_list")).content.decode()
    assert "16 días de activismo" in listing and ">277<" in listing


def test_bad_counts_get_spanish_errors_and_store_nothing(client, trainer):
    campaign = factories.campaign(trainer)
    client.force_login(trainer)
    url = reverse("programs:campaign_event_create", args=[campaign.pk])
    response = client.post(url, event_data(campaign, **{reach_field_name(Sex.MAN, AgeGroup.FROM_45): "-4"}))
    assert response.status_code == 200
    assert "Asegúrese de que este valor sea mayor o igual a 0." in response.content.decode()
    response = client.post(
        url, event_data(campaign, **{reach_field_name(Sex.WOMAN, AgeGroup.FROM_30): "mucha"})
    )
    assert "Introduzca un número entero." in response.content.decode()
    outside = (campaign.ends_on + timedelta(days=1)).isoformat()
    response = client.post(url, event_data(campaign, held_on=outside))
    assert "El evento debe caer dentro de las fechas de la campaña." in response.content.decode()
    response = client.post(url, event_data(campaign, title="", kind="parade"))
    page = response.content.decode()
    assert "Este campo es obligatorio." in page and "Seleccione una opción válida" in page
    assert not CampaignEvent.objects.exists() and not EventReach.objects.exists()
    # The service refuses a negative count by itself too, and stores nothing.
    with pytest.raises(ValidationError) as error:
        visits.campaign_event_add(
            campaign=campaign,
            by=trainer,
            title="Taller",
            kind=EventKind.WORKSHOP,
            held_on=campaign.starts_on,
            place="Biblioteca",
            reach={(Sex.WOMAN, AgeGroup.FROM_18): -1},
        )
    assert error.value.messages == ["Las personas alcanzadas no pueden ser un número negativo."]
    assert not CampaignEvent.objects.exists() and not EventReach.objects.exists()
    # A campaign that ends before it starts.
    response = client.post(
        reverse("programs:campaign_create"),
        {"name": "Campaña", "starts_on": "2026-12-10", "ends_on": "2026-11-25"},
    )
    assert "La campaña no puede terminar antes de empezar." in response.content.decode()
    assert Campaign.objects.count() == 1


def test_only_program_staff_manage_campaigns(client, trainer, lawyer):
    with pytest.raises(PermissionDenied):
        factories.campaign(lawyer)
    campaign = factories.campaign(trainer)
    client.force_login(lawyer)
    assert client.get(reverse("programs:campaign_detail", args=[campaign.pk])).status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=lawyer).exists()


def test_campaign_pages_read_a_bounded_number_of_queries(client, trainer, django_assert_max_num_queries):
    for n in range(4):
        campaign = factories.campaign(trainer, name=f"Campaña {n}")
        for m in range(5):
            visits.campaign_event_add(
                campaign=campaign,
                by=trainer,
                title=f"Evento {m}",
                kind=EventKind.TALK,
                held_on=campaign.starts_on,
                place="Centro comunitario",
                reach={(sex, age): m + 1 for sex in Sex.values for age in AgeGroup.values},
            )
    client.force_login(trainer)
    for url in (
        reverse("programs:campaign_list"),
        reverse("programs:campaign_detail", args=[campaign.pk]),
        reverse("programs:campaign_event_create", args=[campaign.pk]),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
