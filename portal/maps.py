"""The districts' outlines, drawn by the maps when they have no tiles.

Approximate on purpose: a district's outline is the convex hull of the centres the
org tree records for the district and every street and community in it, each point
widened by about a kilometre. It shows roughly where a district lies; it is not its
boundary (a published boundary needs the mapping authority's review) and may overlap
a neighbour's. static/js/map.js draws it when MAP_TILES is "none" or when no tile
server answers (docs/technical-choices.md, "Maps").
"""

import math

from portal.models import OrgUnit

# How far, in kilometres, an outline reaches beyond its outermost unit centre.
MARGIN_KM = 1.0
KM_PER_DEGREE_LATITUDE = 111.2
# Each centre is widened to a polygon of this many corners before the hull.
CORNERS = 8


def district_outlines() -> dict:
    """A GeoJSON FeatureCollection: per current district with located units, a
    polygon and the district's name and code."""
    units = OrgUnit.objects.current()
    points = {}
    located = units.filter(latitude__isnull=False, longitude__isnull=False)
    for code, lat, lng in located.values_list("code", "latitude", "longitude"):
        points.setdefault(code[: OrgUnit.PREFIX_LENGTH["district"]], []).append(
            (lng, lat)
        )
    features = []
    for district in units.filter(level=OrgUnit.Level.DISTRICT).order_by("code"):
        centres = points.get(district.descendant_prefix)
        if not centres:
            continue
        ring = convex_hull([c for centre in centres for c in _widened(centre)])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
                "properties": {"name": district.name, "code": district.code},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _widened(point: tuple[float, float]) -> list[tuple[float, float]]:
    lng, lat = point
    dlat = MARGIN_KM / KM_PER_DEGREE_LATITUDE
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    return [
        (
            round(lng + dlng * math.cos(2 * math.pi * i / CORNERS), 6),
            round(lat + dlat * math.sin(2 * math.pi * i / CORNERS), 6),
        )
        for i in range(CORNERS)
    ]


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The hull's corners counter-clockwise (Andrew's monotone chain), as GeoJSON
    wants an outer ring."""
    points = sorted(set(points))
    if len(points) < 3:
        return points

    def turn(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in points:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(points):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]
