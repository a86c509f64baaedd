"""Scheduled tasks of the subsidies app (declared in config's setup_schedules)."""

from subsidies.services import outreach, refunds


def find_eligible_people() -> int:
    return outreach.find_eligible_people()


def find_eligible_employers() -> int:
    return outreach.find_eligible_employers()


def compute_refunds() -> int:
    return refunds.compute_refunds()
