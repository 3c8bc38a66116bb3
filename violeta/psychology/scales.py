"""The standardised scales every institute starts with, as data (an institute can add its own).

Band labels are data in Spanish, like the area names. Cut-offs are the published ones:
PHQ-9 (Kroenke, Spitzer & Williams, 2001) and GAD-7 (Spitzer et al., 2006).
"""

DEFAULT_SCALES = [
    {
        "code": "phq-9",
        "name": "PHQ-9 (síntomas depresivos)",
        "item_count": 9,
        "item_min": 0,
        "item_max": 3,
        "bands": [
            (0, 4, "Mínima"),
            (5, 9, "Leve"),
            (10, 14, "Moderada"),
            (15, 19, "Moderadamente grave"),
            (20, 27, "Grave"),
        ],
    },
    {
        "code": "gad-7",
        "name": "GAD-7 (ansiedad generalizada)",
        "item_count": 7,
        "item_min": 0,
        "item_max": 3,
        "bands": [(0, 4, "Mínima"), (5, 9, "Leve"), (10, 14, "Moderada"), (15, 21, "Grave")],
    },
]


def ensure_default_scales(scale_model, band_model) -> None:
    for data in DEFAULT_SCALES:
        scale, created = scale_model.objects.get_or_create(
            code=data["code"],
            defaults={k: data[k] for k in ("name", "item_count", "item_min", "item_max")},
        )
        if created:
            band_model.objects.bulk_create(
                [
                    band_model(scale=scale, min_score=lo, max_score=hi, label=label)
                    for lo, hi, label in data["bands"]
                ]
            )
