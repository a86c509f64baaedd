import datetime
import subprocess

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests import factories


def test_seeker_downloads_a_chinese_resume_pdf(client, seeker, tmp_path):
    factories.make_resume(seeker, self_introduction="踏实肯干，熟悉财务软件。")
    client.force_login(seeker)
    response = client.get(reverse("jobs:resume_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "resume.pdf"
    pdf.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True)
    if fonts.returncode == 0:  # poppler-utils present: the CJK font is embedded
        assert "CJK" in fonts.stdout


def test_only_the_owner_gets_the_pdf(client, employer):
    client.force_login(employer)
    assert client.get(reverse("jobs:resume_pdf")).status_code == 403


def test_resume_qr_link_opens_a_read_only_resume_without_contacts(client, seeker):
    resume = factories.make_resume(seeker)
    response = client.get(resume.share_url())
    assert response.status_code == 200
    assert seeker.person.name in response.text
    assert seeker.person.phone not in response.text
    assert seeker.person.id_number not in response.text


def test_resume_qr_link_expires(client, seeker, settings):
    resume = factories.make_resume(seeker)
    url = resume.share_url()
    later = timezone.now() + datetime.timedelta(days=settings.RESUME_SHARE_DAYS + 1)
    with time_machine.travel(later):
        assert client.get(url).status_code == 404
    assert client.get(url[:-3] + "abc/").status_code == 404  # tampered


def test_owner_sees_the_qr_code(client, seeker):
    resume = factories.make_resume(seeker)
    client.force_login(seeker)
    response = client.get(reverse("jobs:resume_detail", args=[resume.code]))
    assert "<svg" in response.text
