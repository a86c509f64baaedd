import pytest

from tests import factories


@pytest.fixture
def staff(foshan, caseworker, city_caseworker):
    """A caseworker at each level of the catalogue's steps, and one who pays."""
    return {
        "street": factories.make_staff(
            "caseworker", org_unit=foshan["chancheng_street"]
        ),
        "district": caseworker,
        "city": city_caseworker,
        "payer": factories.make_staff("caseworker", org_unit=foshan["city"]),
    }
