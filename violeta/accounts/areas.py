"""The areas every institute starts with (data: an institute can add its own)."""

DEFAULT_AREAS = [
    ("juridica", "Jurídica"),
    ("psicologia", "Psicológica"),
    ("trabajo-social", "Trabajo social"),
]


def ensure_default_areas(area_model) -> None:
    for code, name in DEFAULT_AREAS:
        area_model.objects.get_or_create(code=code, defaults={"name": name})
