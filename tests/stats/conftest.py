import pytest

from tests import factories


@pytest.fixture
def market(foshan, employer, other_employer):
    """Postings in two districts and seekers living in both."""
    factories.make_posting(employer.employer, headcount=3, education="bachelor")
    factories.make_posting(employer.employer, headcount=2, occupation_group="6")
    factories.make_posting(other_employer.employer, headcount=4, salary_min=None,
                           salary_max=None)  # fmt: skip
    factories.make_posting(other_employer.employer, headcount=7, publish=False)
    seekers = [
        factories.make_seeker(residence=foshan["chancheng_community"]),
        factories.make_seeker(residence=foshan["chancheng_community"]),
        factories.make_seeker(residence=foshan["nanhai_community"]),
    ]
    for user in seekers[:2]:
        factories.make_resume(user)
    return seekers
