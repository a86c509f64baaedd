"""Maps fit for a Chinese government site: Tianditu (天地图) tiles with their approval
number (审图号) when a key is set, and the districts' approximate outlines when there
are no tiles (config/settings.py, portal/maps.py, static/js/map.js)."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from config.settings import map_layers
from portal.maps import convex_hull, district_outlines
from portal.models import OrgUnit

# Where each unit of the test org tree lies (latitude, longitude).
PLACES = {
    "chancheng": (23.0215, 113.1220),
    "chancheng_street": (23.0415, 113.1095),
    "chancheng_community": (23.0455, 113.1095),
    "nanhai_street": (23.0290, 113.1430),
}


@pytest.fixture
def located(foshan):
    for key, (lat, lng) in PLACES.items():
        OrgUnit.objects.filter(pk=foshan[key].pk).update(latitude=lat, longitude=lng)
    return foshan


def inside(point, ring) -> bool:
    """Whether (lng, lat) lies inside a closed ring (ray casting)."""
    x, y = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def test_each_district_outline_encloses_the_district_and_every_unit_in_it(located):
    outlines = {f["properties"]["name"]: f for f in district_outlines()["features"]}

    [ring] = outlines["禅城区"]["geometry"]["coordinates"]
    assert ring[0] == ring[-1]
    for key in ["chancheng", "chancheng_street", "chancheng_community"]:
        lat, lng = PLACES[key]
        assert inside((lng, lat), ring), key
    lat, lng = PLACES["nanhai_street"]
    assert inside((lng, lat), outlines["南海区"]["geometry"]["coordinates"][0])


def test_an_outline_reaches_about_a_kilometre_beyond_its_outermost_unit(located):
    [chancheng] = [
        f
        for f in district_outlines()["features"]
        if f["properties"]["name"] == "禅城区"
    ]
    latitudes = [lat for _, lat in chancheng["geometry"]["coordinates"][0]]

    assert max(latitudes) == pytest.approx(23.0455 + 1 / 111.2, abs=1e-4)
    assert min(latitudes) == pytest.approx(23.0215 - 1 / 111.2, abs=1e-4)


def test_a_district_with_no_located_unit_has_no_outline(foshan):
    assert district_outlines()["features"] == []


def test_the_hull_keeps_only_the_outer_corners_counter_clockwise():
    square = [(0, 0), (2, 0), (2, 2), (0, 2), (1, 1), (1, 0)]

    assert convex_hull(square) == [(0, 0), (2, 0), (2, 2), (0, 2)]


def test_the_outlines_are_served_as_geojson_to_anyone(client, located):
    response = client.get(reverse("map_outlines"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    names = [f["properties"]["name"] for f in response.json()["features"]]
    assert names == ["禅城区", "南海区"]


def test_tianditu_gives_roads_then_names_with_the_key_and_its_approval_number():
    vector, names = map_layers("tianditu", key="k3y", number="GS（2025）1508号")

    assert "tianditu.gov.cn/vec_w/wmts?" in vector["url"]
    assert "tianditu.gov.cn/cva_w/wmts?" in names["url"]
    for layer in (vector, names):
        assert layer["url"].startswith("https://t{s}.")
        assert "TILEMATRIXSET=w&" in layer["url"]
        assert layer["url"].endswith("&tk=k3y")
        assert layer["subdomains"] == "01234567"
    assert "GS（2025）1508号" in str(vector["attribution"])
    assert names["attribution"] == ""


def test_without_tiles_the_maps_get_no_layer_and_bad_settings_are_refused():
    from django.core.exceptions import ImproperlyConfigured

    assert map_layers("none") == []
    assert map_layers("url", url="/tiles/{z}/{x}/{y}.png")[0]["url"].startswith("/")
    for tiles, options in [("tianditu", {}), ("url", {}), ("gaode", {})]:
        with pytest.raises(ImproperlyConfigured):
            map_layers(tiles, **options)


def map_config(page: str) -> dict:
    found = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', page
    )
    return json.loads(found.group(1))


def test_the_map_credits_tianditu_with_its_approval_number_in_the_pages_language(
    client, foshan, settings
):
    layers = map_layers("tianditu", key="k3y", number="GS（2025）1508号")
    settings.MAP_CONFIG = {**settings.MAP_CONFIG, "layers": layers}
    url = reverse("jobs:job_map")

    zh = map_config(client.get(url).text)
    client.cookies["django_language"] = "en"
    en = map_config(client.get(url).text)

    assert zh["layers"][0]["attribution"] == "地图：天地图　审图号：GS（2025）1508号"
    assert en["layers"][0]["attribution"] == (
        "Map: Tianditu, approval number GS（2025）1508号"
    )
    assert zh["outlines"] == reverse("map_outlines")
    assert "并非行政区界线" in zh["no_tiles"]
    assert "not its boundaries" in en["no_tiles"]


def test_leaflet_is_credited_without_the_flag_of_its_default_credit():
    script = (settings.BASE_DIR / "static" / "js" / "map.js").read_text()

    assert "attributionControl: false" in script
    assert 'L.control.attribution({ prefix: "Leaflet" })' in script
