"""The staff selects (the case team's "add", the agenda's "with", a plan's and a hearing's responsible): their
options come from one plain query, with no user object built per member of staff (issue 22: on a state's data the
case page built 162 users and 156 areas for its team list, through a server-side cursor, on every view)."""

import pytest
from django.db.models.signals import post_init

from violeta.accounts.models import Area, Role, User
from violeta.cases.forms import TeamAddForm
from violeta.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(area_legal, area_psychology):
    people = [
        make_user(f"abogada{i}@imm.test", Role.LEGAL, "juridica", name=f"Abogada {i:02d}") for i in range(20)
    ]
    people += [
        make_user(f"psico{i}@imm.test", Role.PSYCHOLOGY, "psicologia", name=f"Psicóloga {i:02d}")
        for i in range(20)
    ]
    people.append(make_user("recepcion@imm.test", Role.RECEPTION, name="Recepción Uno"))
    make_user("directora@imm.test", Role.DIRECTOR, name="La Directora")  # never offered
    inactive = make_user("baja@imm.test", Role.LEGAL, "juridica", name="De Baja")
    inactive.is_active = False
    inactive.save()
    return people


def built_users(render) -> int:
    count = 0

    def seen(sender, **kwargs):
        nonlocal count
        count += 1

    post_init.connect(seen, sender=User)
    post_init.connect(seen, sender=Area)
    try:
        render()
    finally:
        post_init.disconnect(seen, sender=User)
        post_init.disconnect(seen, sender=Area)
    return count


def test_the_team_select_builds_no_user_per_option(staff, django_assert_num_queries):
    form = TeamAddForm()
    html = ""

    def render():
        nonlocal html
        html = str(form["user"])

    with django_assert_num_queries(1):
        assert built_users(render) == 0
    assert html.count("<option") == len(staff) + 1  # and the empty choice


def test_the_options_are_labelled_as_before_name_and_area_or_role(staff):
    form = TeamAddForm()
    options = {str(value): label for value, label in form.fields["user"].choices if value != ""}
    expected = {str(u.pk): f"{u.full_name} · {u.area or u.get_role_display()}" for u in staff}
    assert options == expected
    assert "La Directora" not in str(form["user"]) and "De Baja" not in str(form["user"])


def test_a_chosen_member_is_still_a_user_and_one_not_offered_is_refused(staff):
    chosen = staff[3]
    form = TeamAddForm({"user": str(chosen.pk)})
    assert form.is_valid()
    assert form.cleaned_data["user"] == chosen and isinstance(form.cleaned_data["user"], User)

    director = User.objects.get(email="directora@imm.test")
    refused = TeamAddForm({"user": str(director.pk)})
    assert not refused.is_valid()
    assert "user" in refused.errors
