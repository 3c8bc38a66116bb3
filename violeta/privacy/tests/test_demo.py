"""The privacy part of the demo: one ARCO request in progress, its clock running, and one breach entry."""

from violeta.core.demo import DEMO_DOMAIN
from violeta.demo import loader
from violeta.privacy.models import ArcoRequest, ArcoStatus, Breach


def test_demo_has_an_arco_request_and_a_breach(db):
    loader.load_all()
    request = ArcoRequest.objects.get()
    assert request.status == ArcoStatus.IN_PROGRESS
    assert not request.is_overdue()
    assert request.handler.email == f"direccion@{DEMO_DOMAIN}"
    assert Breach.objects.count() == 1
