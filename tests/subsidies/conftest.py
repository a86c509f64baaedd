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


@pytest.fixture
def city_viewer(foshan):
    """City staff who may read batches and payments but not pay: no permission to
    decide applications or to see full ID numbers."""
    from django.contrib.auth.models import Permission

    user = factories.make_staff("leader", org_unit=foshan["city"])
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="subsidies",
            codename__in=["view_disbursementbatch", "view_payment", "view_application"],
        )
    )
    return user
