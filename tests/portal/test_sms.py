"""The SMS gateway: the Tencent Cloud adapter at its HTTP boundary, quiet hours and
people who chose to be told by SMS."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal import services
from portal.models import SmsMessage
from portal.sms import ConsoleBackend, TencentBackend

SHANGHAI = ZoneInfo("Asia/Shanghai")


class FakeTencent(BaseHTTPRequestHandler):
    """Answers SendSms as Tencent Cloud's API 3.0 does, and keeps what it got."""

    received: list = []
    answer_code = "Ok"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({"headers": dict(self.headers), "body": body})
        status = {
            "SerialNo": "2433:5692738928",
            "PhoneNumber": body["PhoneNumberSet"][0],
            "Fee": 1,
            "SessionContext": "",
            "Code": self.answer_code,
            "Message": "send success" if self.answer_code == "Ok" else "bad",
            "IsoCode": "CN",
        }
        payload = {"Response": {"SendStatusSet": [status], "RequestId": "r-1"}}
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def tencent(settings):
    server = HTTPServer(("127.0.0.1", 0), FakeTencent)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeTencent.received, FakeTencent.answer_code = [], "Ok"
    settings.SMS_TENCENT = {
        **settings.SMS_TENCENT,
        "secret_id": "AKIDtest",
        "secret_key": "secret",
        "app_id": "1400000000",
        "sign_name": "佛山人社",
        "endpoint": f"127.0.0.1:{server.server_port}",
        "scheme": "http",
        "templates": {
            "claim_code": {"id": "1234567", "params": ["code", "minutes"]},
            "notification": {"id": "7654321", "params": ["subject"]},
        },
    }
    yield FakeTencent
    server.shutdown()


def test_tencent_adapter_sends_a_signed_send_sms_request(tencent):
    delivery = TencentBackend().send(
        "13800138000", "claim_code", {"code": "123456", "minutes": 10}
    )
    assert delivery.accepted and delivery.provider_id == "2433:5692738928"
    (request,) = tencent.received
    assert request["headers"]["X-TC-Action"] == "SendSms"
    assert request["headers"]["Authorization"].startswith("TC3-HMAC-SHA256")
    assert request["body"] == {
        "PhoneNumberSet": ["+8613800138000"],
        "SmsSdkAppId": "1400000000",
        "TemplateId": "1234567",
        "SignName": "佛山人社",
        "TemplateParamSet": ["123456", "10"],
    }


def test_a_refusal_by_the_provider_is_stored_as_failed(tencent, settings, db):
    settings.SMS_BACKEND = "portal.sms.TencentBackend"
    tencent.answer_code = "LimitExceeded.PhoneNumberDailyLimit"
    message = services.send_sms(
        "13800138000",
        "notification",
        {"subject": "面试邀请"},
        respect_quiet_hours=False,
    )
    services.deliver_sms(message.pk)
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED
    assert message.error.startswith("LimitExceeded.PhoneNumberDailyLimit")


def test_messages_wait_for_the_end_of_the_quiet_hours(db):
    night = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=SHANGHAI)
    with time_machine.travel(night):
        message = services.send_sms("13800138000", "notification", {"subject": "x"})
    assert message.not_before == datetime.datetime(2026, 12, 8, 8, tzinfo=SHANGHAI)
    early = datetime.datetime(2026, 12, 8, 3, 0, tzinfo=SHANGHAI)
    with time_machine.travel(early):
        assert services.deliver_due_sms() == 0
    with time_machine.travel(early + datetime.timedelta(hours=5, minutes=1)):
        assert services.deliver_due_sms() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT


def test_only_people_who_opted_in_get_their_messages_by_sms(
    seeker, other_seeker, django_capture_on_commit_callbacks
):
    ConsoleBackend.outbox.clear()
    services.set_sms_opt_in(seeker, True)
    noon = datetime.datetime(2026, 12, 7, 12, 0, tzinfo=SHANGHAI)
    with time_machine.travel(noon), django_capture_on_commit_callbacks(execute=True):
        for user in (seeker, other_seeker):
            services.notify(user, "employer_verified", {"employer": "x"}, url="/")
    assert [m["phone"] for m in ConsoleBackend.outbox] == [seeker.person.phone]
