"""The map of the figure by colonia: the institute's own GeoJSON of its colonias, when it supplies one.

The three settings come from the environment (settings.py is at its length limit), and a Django setting of the
same name overrides them (tests): ``setting(name)``.

``REPORTS_COLONIAS_GEOJSON`` is the path of a GeoJSON ``FeatureCollection`` whose features are the
colonias' shapes (polygons or multipolygons, longitude/latitude in WGS 84). Each feature is matched to the
colonias Violeta knows (``people.Neighborhood``, from SEPOMEX) by two properties named as SEPOMEX names them:

- ``codigo_postal``: the postal code (``"31000"``; a number is read with its leading zeros restored);
- ``asentamiento``: the colonia's name (``"Centro"``); case, accents and punctuation are ignored.

Other properties are dropped: the page receives only the shape, the name and the postal code. A feature
without both properties, or whose geometry is missing, is left out (and counted in the log). No file, or a file
that cannot be read, means no map: the page shows the table and the chart and nothing fails.

``REPORTS_MAP_TILES_URL`` is the template of the tiles under the shapes (for example
``https://tile.openstreetmap.org/{z}/{x}/{y}.png``); empty, the shapes are drawn on a blank background, which
suits an intranet without internet. Its origin is added to the Content-Security-Policy's ``img-src``
(``core.middleware.SecurityHeadersMiddleware``). ``REPORTS_MAP_ATTRIBUTION`` is the credit the tiles' provider requires.
"""

from __future__ import annotations

import json
import logging
import os
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from violeta.core.text import strip_accents
from violeta.reports.indicators import Table

logger = logging.getLogger(__name__)

POSTAL_CODE = "codigo_postal"
NAME = "asentamiento"
_NON_WORD = re.compile(r"[^a-z0-9ñ]+")


def key(postal_code, name) -> str:
    """How a colonia is matched: its postal code and its name without case, accents or punctuation."""
    folded = _NON_WORD.sub(" ", strip_accents(str(name or "").lower())).strip()
    return f"{str(postal_code or '').strip().zfill(5)}|{folded}"


def setting(name: str) -> str:
    """``REPORTS_COLONIAS_GEOJSON``, ``REPORTS_MAP_TILES_URL``, ``REPORTS_MAP_ATTRIBUTION``: a Django setting of
    that name, else the environment, else empty."""
    if hasattr(settings, name):
        return str(getattr(settings, name) or "")
    return os.environ.get(name, "")


def _path() -> Path | None:
    configured = setting("REPORTS_COLONIAS_GEOJSON")
    return Path(configured) if configured else None


def shapes() -> dict | None:
    """The colonias' shapes as the map draws them (``key``, ``name``, ``postal_code`` per feature), or None
    when there is no usable file."""
    path = _path()
    if path is None:
        return None
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        logger.warning("REPORTS_COLONIAS_GEOJSON cannot be read: no map of colonias")
        return None
    return _load(str(path), stamp)


@lru_cache(maxsize=2)
def _load(path: str, stamp: int) -> dict | None:
    """Read and reduce the file once per version of it (``stamp`` is its modification time)."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        features = data["features"] if data.get("type") == "FeatureCollection" else None
        if not isinstance(features, list):
            raise ValueError("not a FeatureCollection")
    except (OSError, ValueError, KeyError, AttributeError) as error:
        logger.warning(
            "REPORTS_COLONIAS_GEOJSON is not a GeoJSON FeatureCollection (%s): no map", type(error).__name__
        )
        return None
    kept, skipped = [], 0
    for feature in features:
        feature = feature if isinstance(feature, dict) else {}
        properties = feature.get("properties") or {}
        postal_code, name = properties.get(POSTAL_CODE), properties.get(NAME)
        geometry = feature.get("geometry")
        if postal_code in (None, "") or not name or not isinstance(geometry, dict):
            skipped += 1
            continue
        postal_code = str(postal_code).strip().zfill(5)
        kept.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"key": key(postal_code, name), "name": str(name), "postal_code": postal_code},
            }
        )
    if skipped:
        logger.warning(
            "REPORTS_COLONIAS_GEOJSON: %d features without %s, %s or geometry left out",
            skipped,
            POSTAL_CODE,
            NAME,
        )
    if not kept:
        return None
    return {"type": "FeatureCollection", "features": kept}


def map_for(table: Table) -> dict | None:
    """What the map of the figure by colonia (``women_by_neighborhood``) needs (where its shapes are, the tiles, each colonia's count), or
    None when the institute supplied no shapes."""
    if shapes() is None:
        return None
    counts: dict[str, int] = {}
    for name, postal_code, women in zip(
        table.column("neighborhood"), table.column("postal_code"), table.column("women"), strict=True
    ):
        if postal_code and isinstance(women, int):
            counts[key(postal_code, name)] = counts.get(key(postal_code, name), 0) + women
    return {
        "shapes": reverse("reports:colonias"),
        "tiles": setting("REPORTS_MAP_TILES_URL"),
        "attribution": setting("REPORTS_MAP_ATTRIBUTION"),
        "label": table.value_columns[0].label if table.value_columns else "",
        "counts": counts,
    }
