"""The public sign-up link of a training: unguessable, closes at its date, renewed links kill the old one,
limited per connection; it asks only what is needed and stores the person as registered by the link."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from violeta.programs import services
from violeta.programs.models import Attendee, RegisteredBy
from violeta.programs.tests import factories
from violeta.programs.views import SIGNUPS_PER_HOUR_IP

pytestmark = pytest.mark.django_db

FORM = {"full_name": "Marisol Chávez Ortega", "sex": "mujer", "age_group": "30-44", "role": "Docente"}


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def open_training(trainer):
    training = factories.training(trainer, title="Noviazgo sin violencia")
    factories.session(training, trainer, days_from_now=3)
    return services.signup_open(training=training, by=trainer, closes_at=timezone.now() + timedelta(days=2))


def test_a_person_signs_up_through_the_link(client, open_training):
    url = reverse("programs:signup", args=[open_training.signup_token])
    page = client.get(url).content.decode()
    assert "Noviazgo sin violencia" in page and "No pedimos tu CURP ni tu domicilio" in page
    assert "Tu nombre completo" in page  # she is spoken to as tú
    response = client.post(url, FORM)
    assert response.status_code == 200 and "Tu registro quedó hecho" in response.content.decode()
    attendee = Attendee.objects.get()
    assert attendee.registered_by == RegisteredBy.PUBLIC_LINK and attendee.training == open_training


def test_bad_input_is_explained_in_spanish_and_stores_nothing(client, open_training):
    url = reverse("programs:signup", args=[open_training.signup_token])
    response = client.post(url, {**FORM, "full_name": "", "email": "no-es-correo"})
    page = response.content.decode()
    assert "Este campo es obligatorio." in page and "Escribe un correo electrónico válido." in page
    assert "Revisa los campos marcados" in page and "Revise" not in page  # her page speaks as tú
    assert not Attendee.objects.exists()


def test_the_link_closes_at_its_date(client, open_training):
    url = reverse("programs:signup", args=[open_training.signup_token])
    type(open_training).objects.filter(pk=open_training.pk).update(
        signup_closes_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(url, FORM)
    assert response.status_code == 410 and "ya cerró" in response.content.decode()
    assert not Attendee.objects.exists()


def test_a_renewed_link_kills_the_old_one_and_a_made_up_one_is_404(client, trainer, open_training):
    old = open_training.signup_token
    renewed = services.signup_open(
        training=open_training, by=trainer, closes_at=timezone.now() + timedelta(days=1)
    )
    assert renewed.signup_token != old
    assert client.get(reverse("programs:signup", args=[old])).status_code == 404
    assert client.get(reverse("programs:signup", args=["a" * 43])).status_code == 404
    assert client.get(reverse("programs:signup", args=[renewed.signup_token])).status_code == 200


def test_the_closing_date_must_be_ahead_and_within_90_days(trainer):
    training = factories.training(trainer)
    for closes_at in (timezone.now() - timedelta(hours=1), timezone.now() + timedelta(days=91)):
        with pytest.raises(ValidationError):
            services.signup_open(training=training, by=trainer, closes_at=closes_at)
    training.refresh_from_db()
    assert not training.signup_is_open() and not training.signup_token


def test_sign_ups_from_one_connection_are_limited(client, open_training):
    url = reverse("programs:signup", args=[open_training.signup_token])
    for n in range(SIGNUPS_PER_HOUR_IP):
        client.post(url, {**FORM, "full_name": f"Persona Número {n}"})
    assert Attendee.objects.count() == SIGNUPS_PER_HOUR_IP
    response = client.post(url, {**FORM, "full_name": "Una Más"})
    assert "Demasiados registros desde esta conexión" in response.content.decode()
    assert Attendee.objects.count() == SIGNUPS_PER_HOUR_IP


def test_staff_open_and_close_the_link_from_the_training_page(client, trainer, lawyer):
    training = factories.training(trainer)
    client.force_login(trainer)
    closes = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("programs:signup_open", args=[training.pk]), {"closes_at": closes})
    training.refresh_from_db()
    assert training.signup_is_open()
    page = client.get(reverse("programs:training_detail", args=[training.pk])).content.decode()
    assert reverse("programs:signup", args=[training.signup_token]) in page
    client.post(reverse("programs:signup_close", args=[training.pk]))
    training.refresh_from_db()
    assert not training.signup_is_open()
    client.force_login(lawyer)
    assert (
        client.post(reverse("programs:signup_open", args=[training.pk]), {"closes_at": closes}).status_code
        == 404
    )
