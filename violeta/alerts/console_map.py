"""The monitors' map of an alert's trail (the console's alert page), on top of the SVG drawing that stays.

``MIA_MAP_TILES_URL`` is the template of the street tiles (``https://tile.openstreetmap.org/{z}/{x}/{y}.png``)
and ``MIA_MAP_ATTRIBUTION`` the credit its provider requires; empty, there are no tiles and the page shows only
the SVG trail. The tiles' origin is allowed for images on the alert's page only (``allow_tiles``): every other
page keeps the site's Content-Security-Policy. ``static/alerts/console-map.js`` draws the trail from
``trail`` (in the page by json_script) with Leaflet (vendored, scripts/vendor.sh), and shows the map only once a
tile has loaded: when the tiles cannot load, the SVG is what the monitors see.
"""

from django.conf import settings

from violeta.core.middleware import SecurityHeadersMiddleware, csp_origin


def config() -> dict | None:
    """What the page needs to draw the map, or None when no tiles are configured."""
    tiles = getattr(settings, "MIA_MAP_TILES_URL", "")
    if not tiles:
        return None
    return {"tiles": tiles, "attribution": getattr(settings, "MIA_MAP_ATTRIBUTION", "")}


def trail(positions) -> list[dict]:
    """The positions, oldest first, as the script reads them (the last one is marked as the latest)."""
    return [
        {
            "lat": round(p.lat, 6),
            "lon": round(p.lon, 6),
            "accuracy": round(p.accuracy_m),
            "at": p.captured_at.isoformat(),
        }
        for p in positions
    ]


def allow_tiles(response):
    """The alert page's policy: the site's, with the tiles' origin added to ``img-src`` (and nothing else)."""
    tiles = getattr(settings, "MIA_MAP_TILES_URL", "")
    if tiles:
        response["Content-Security-Policy"] = SecurityHeadersMiddleware.csp.replace(
            "img-src 'self' data:;", f"img-src 'self' data: {csp_origin(tiles)};"
        )
    return response
