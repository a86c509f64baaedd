"""The SMS gateway: one small interface, a real provider and a local backend.

`SMS_BACKEND` names the backend. `portal.sms.TencentBackend` sends through Tencent
Cloud SMS with its official SDK (templates and the signature are registered with the
provider; settings map our template names to its template ids). `portal.sms.
ConsoleBackend` writes each message, rendered from `templates/sms/<name>.txt`, to
the log and keeps it in `outbox` (make run and tests).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    """What the provider answered for one message."""

    accepted: bool
    provider_id: str = ""
    error: str = ""

    def __post_init__(self):
        self.error = self.error[:300]


def render_text(template: str, params: dict) -> str:
    """The message as the person reads it (the provider's registered template says
    the same, with the provider's signature in front)."""
    return render_to_string(f"sms/{template}.txt", params).strip()


class ConsoleBackend:
    """Logs messages and keeps them in memory instead of sending them."""

    outbox: list[dict] = []

    def send(self, phone: str, template: str, params: dict) -> Delivery:
        text = render_text(template, params)
        self.outbox.append({"phone": phone, "template": template, "text": text})
        logger.info("SMS to %s: %s", phone, text)
        return Delivery(accepted=True, provider_id=f"console-{len(self.outbox)}")


class TencentBackend:
    """Tencent Cloud SMS (API 2021-01-11, SendSms) through tencentcloud-sdk-python."""

    def __init__(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        config = settings.SMS_TENCENT
        http = HttpProfile(endpoint=config["endpoint"])
        http.protocol = http.scheme = config.get("scheme", "https")
        http.reqTimeout = 10
        self.client = sms_client.SmsClient(
            credential.Credential(config["secret_id"], config["secret_key"]),
            config["region"],
            ClientProfile(httpProfile=http),
        )
        self.config = config

    def send(self, phone: str, template: str, params: dict) -> Delivery:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        provider_template = self.config["templates"][template]
        request = models.SendSmsRequest()
        request.SmsSdkAppId = self.config["app_id"]
        request.SignName = self.config["sign_name"]
        request.TemplateId = provider_template["id"]
        # Tencent templates take positional parameters ({1}, {2} …), all strings.
        request.TemplateParamSet = [
            str(params[key]) for key in provider_template["params"]
        ]
        request.PhoneNumberSet = [f"+86{phone}"]
        try:
            answer = self.client.SendSms(request).SendStatusSet[0]
        except TencentCloudSDKException as error:
            return Delivery(
                accepted=False, error=f"{error.code}: {error.message}"[:300]
            )
        if answer.Code != "Ok":
            return Delivery(
                accepted=False, error=f"{answer.Code}: {answer.Message}"[:300]
            )
        return Delivery(accepted=True, provider_id=answer.SerialNo)


def backend():
    return import_string(settings.SMS_BACKEND)()
