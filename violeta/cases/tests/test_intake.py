"""The intake form's fields (the intake itself is tested through its views and services)."""


def test_the_team_is_chosen_with_checkboxes_not_a_ctrl_click_list(lawyer, psychologist, social_worker):
    """Issue 16, finding 7: the intake's team field was a multi-select that needs Ctrl-click."""
    from violeta.cases.forms import IntakeCaseForm

    html = str(IntakeCaseForm()["team"])
    assert "<select" not in html
    assert html.count('type="checkbox"') >= 3
    assert f"{psychologist.full_name} · {psychologist.area}" in html  # the area is in the label: filterable
    assert "data-picker-filter" in html  # a box to narrow the list by name or area
