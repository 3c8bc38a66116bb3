"""The areas every institute starts with (data: an institute can add its own), and each area's id by its code."""

from violeta.core.memo import kept_per_process

AREAS_KEPT_SECONDS = 60

DEFAULT_AREAS = [
    ("juridica", "Jurídica"),
    ("psicologia", "Psicológica"),
    ("trabajo-social", "Trabajo social"),
]


def ensure_default_areas(area_model) -> None:
    for code, name in DEFAULT_AREAS:
        area_model.objects.get_or_create(code=code, defaults={"name": name})


def area_id(code: str) -> int | None:
    """The id of the area with this code (None if there is none): the psychology and social-work panels compare
    it with the user's on every case page."""
    return _area_ids().get(code)


@kept_per_process(ttl=AREAS_KEPT_SECONDS)
def _area_ids() -> dict[str, int]:
    """Every area's id by its code, read at most once a minute per process: an area added or changed here is
    seen at once (``accounts.apps`` connects ``forget``), in another process within AREAS_KEPT_SECONDS."""
    from violeta.accounts.models import Area

    return dict(Area.objects.values_list("code", "id"))
