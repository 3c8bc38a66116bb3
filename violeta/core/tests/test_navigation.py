"""The navigation bar: the areas' work lists sit in one "Seguimiento" menu, each role seeing only its own."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def follow_up_menu(client, user):
    client.force_login(user)
    html = client.get(reverse("cases:list")).content.decode()
    match = re.search(r'aria-labelledby="nav-follow-up">(.*?)</ul>', html, re.S)
    assert match, "the follow-up menu is missing"
    return match.group(1)


def test_director_finds_the_legal_desk_expiring_orders_and_referrals_in_the_follow_up_menu(client, director):
    menu = follow_up_menu(client, director)
    assert reverse("legal:desk") in menu
    assert reverse("violence:expiring") in menu
    assert reverse("referrals:overdue") in menu


def test_psychologist_menu_holds_her_treatments_but_not_the_legal_desk(client, psychologist):
    menu = follow_up_menu(client, psychologist)
    assert reverse("psychology:my_plans") in menu
    assert reverse("legal:desk") not in menu
    assert reverse("violence:expiring") not in menu


def test_merchant_has_no_follow_up_menu(client, merchant):
    client.force_login(merchant)
    html = client.get(reverse("card:validate")).content.decode()
    assert "nav-follow-up" not in html
    assert reverse("legal:desk") not in html
