"""Two people submit the same ID number or credit code at the same moment."""

import re
import threading

import pytest
from django.db import connection

from portal import services
from portal.models import Employer, Person
from portal.sms import ConsoleBackend
from tests import factories


def _race(register, count=2):
    barrier = threading.Barrier(count)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            register()
            outcomes.append("ok")
        except services.PortalError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_seeker_sign_ups_create_one_account():
    """Two people asked for codes for one new ID number, each to their own phone,
    and enter them at the same moment."""
    foshan = factories.make_org_tree()
    number = factories.id_number(birth="19880808", sequence=88)
    ConsoleBackend.outbox.clear()
    claims = [
        services.request_claim(
            name="林嘉欣",
            id_number=number,
            phone=phone,
            password="x",
            residence=foshan["chancheng_street"],
            language="zh-hans",
            address=None,
        )
        for phone in ("13800138000", "13900139000")
    ]
    codes = [re.search(r"\d{6}", m["text"]).group() for m in ConsoleBackend.outbox]
    pairs = iter(zip(claims, codes, strict=True))
    lock = threading.Lock()

    def register():
        with lock:
            claim, code = next(pairs)
        services.confirm_claim(claim.code, code)

    assert _race(register) == ["ok", "refused"]
    assert Person.objects.filter(id_number=number).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_employer_registrations_create_one_employer():
    foshan = factories.make_org_tree()
    code = factories.credit_code()

    def register():
        services.register_employer(
            name="佛山市南方物流有限公司",
            uscc=code,
            org_unit=foshan["nanhai_street"],
            address="桂澜路1号",
            contact_name="梁经理",
            contact_phone="13700137000",
            contact_email="hr@nanfang.example.cn",
            password="x",
            licence=factories.licence_file(),
            language="zh-hans",
        )

    assert _race(register) == ["ok", "refused"]
    assert Employer.objects.filter(uscc=code).count() == 1
