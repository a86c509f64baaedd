import pytest
from django.urls import reverse

from tests import factories

CENTRE = {"lat": "23.0200", "lng": "113.1200"}


@pytest.fixture
def postings(employer):
    near = factories.make_posting(
        employer.employer, title="近处岗位", latitude=23.0210, longitude=113.1210
    )
    middle = factories.make_posting(
        employer.employer, title="中间岗位", latitude=23.0400, longitude=113.1200
    )
    far = factories.make_posting(
        employer.employer, title="远处岗位", latitude=23.1500, longitude=113.1200
    )
    hidden = factories.make_posting(
        employer.employer,
        title="待审核岗位",
        latitude=23.0201,
        longitude=113.1201,
        publish=False,
    )
    return near, middle, far, hidden


def test_geojson_lists_published_postings_inside_the_radius_nearest_first(
    client, postings
):
    near, middle, far, hidden = postings
    response = client.get(reverse("jobs:job_map_geojson"), {**CENTRE, "km": "5"})
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection"
    ids = [f["properties"]["id"] for f in data["features"]]
    assert ids == [near.pk, middle.pk]
    first = data["features"][0]
    assert first["geometry"]["coordinates"] == [113.1210, 23.0210]
    assert first["properties"]["distance_km"] == pytest.approx(0.15, abs=0.02)
    assert data["features"][1]["properties"]["distance_km"] == pytest.approx(
        2.22, abs=0.05
    )


def test_a_larger_radius_reaches_further(client, postings):
    near, middle, far, hidden = postings
    response = client.get(reverse("jobs:job_map_geojson"), {**CENTRE, "km": "10"})
    assert len(response.json()["features"]) == 2
    assert far.pk not in [f["properties"]["id"] for f in response.json()["features"]]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "x", "lng": "113"},
        {"lat": "95", "lng": "113"},
        {**CENTRE, "km": "7"},
    ],
)
def test_bad_map_parameters_get_a_clear_400(client, db, params):
    response = client.get(reverse("jobs:job_map_geojson"), params)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_map_page_lists_the_same_jobs_nearest_first(client, postings):
    near, middle, far, hidden = postings
    response = client.get(reverse("jobs:job_map"), {**CENTRE, "km": "3"})
    assert response.status_code == 200
    assert list(response.context["postings"]) == [near, middle]
    assert hidden.title not in response.text


def test_map_page_without_a_point_explains(client, db):
    response = client.get(reverse("jobs:job_map"))
    assert response.status_code == 200
    assert "jobmap" in response.text
