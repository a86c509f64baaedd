"""Uploads on S3-compatible object storage, tested at the boundary: a real S3
protocol server (moto's server mode, a separate process on loopback) that the
portal reaches over HTTP with boto3, as it would reach MinIO, OSS or COS.

moto does not check signatures or their expiry (it accepts any key), so these
tests prove what the portal sends and that anonymous reads of the bucket are
refused; that a signature is checked is the object store's own work."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.settings import upload_storage
from portal.storage import PrivateObjectStorage
from registration import services
from registration.models import EmploymentRegistration, InsuranceImport
from subsidies.models import Application
from tests import factories

KEYS = {"aws_access_key_id": "portal-test", "aws_secret_access_key": "portal-secret"}


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("moto") / "server.log"
    server = subprocess.Popen(
        [
            Path(sys.executable).parent / "moto_server",
            "-H",
            "127.0.0.1",
            "-p",
            f"{port}",
        ],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"moto_server did not start:\n{log.read_text()}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new empty bucket, made the portal's upload storage through the settings'
    own environment variables. Returns a boto3 client and the bucket's name."""
    name = f"portal-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
        **KEYS,
    )
    s3.create_bucket(Bucket=name)
    for variable, value in {
        "OBJECT_STORAGE_BUCKET": name,
        "OBJECT_STORAGE_ENDPOINT_URL": s3_endpoint,
        "OBJECT_STORAGE_REGION": "us-east-1",
        "OBJECT_STORAGE_ACCESS_KEY": KEYS["aws_access_key_id"],
        "OBJECT_STORAGE_SECRET_KEY": KEYS["aws_secret_access_key"],
        "OBJECT_STORAGE_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "default": upload_storage()}
    return s3, name


def stored(s3, name: str) -> dict[str, bytes]:
    """Every object in the bucket, by key."""
    listing = s3.list_objects_v2(Bucket=name).get("Contents", [])
    return {
        entry["Key"]: s3.get_object(Bucket=name, Key=entry["Key"])["Body"].read()
        for entry in listing
    }


def anonymous_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def local_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_without_a_bucket_uploads_stay_on_the_local_disk(monkeypatch):
    monkeypatch.delenv("OBJECT_STORAGE_BUCKET", raising=False)
    monkeypatch.setenv("OBJECT_STORAGE_ENDPOINT_URL", "http://127.0.0.1:9000")
    assert upload_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_bucket_and_its_keys_from_files_choose_the_private_object_storage(
    monkeypatch, tmp_path
):
    (tmp_path / "access").write_text("minio-user\n")
    (tmp_path / "secret").write_text("minio-secret-key\n")
    monkeypatch.setenv("OBJECT_STORAGE_BUCKET", "portal-media")
    monkeypatch.setenv("OBJECT_STORAGE_ENDPOINT_URL", "http://minio:9000")
    monkeypatch.setenv("OBJECT_STORAGE_ACCESS_KEY_FILE", str(tmp_path / "access"))
    monkeypatch.setenv("OBJECT_STORAGE_SECRET_KEY_FILE", str(tmp_path / "secret"))
    monkeypatch.setenv("OBJECT_STORAGE_ADDRESSING_STYLE", "path")
    monkeypatch.delenv("OBJECT_STORAGE_REGION", raising=False)
    assert upload_storage() == {
        "BACKEND": "portal.storage.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": "portal-media",
            "endpoint_url": "http://minio:9000",
            "region_name": None,
            "access_key": "minio-user",
            "secret_key": "minio-secret-key",
            "addressing_style": "path",
        },
    }


def test_the_storage_refuses_options_that_would_make_uploads_public():
    for option in ("querystring_auth", "custom_domain", "file_overwrite"):
        with pytest.raises(ImproperlyConfigured, match=option):
            PrivateObjectStorage(bucket_name="portal-media", **{option: False})


@pytest.mark.django_db
def test_a_licence_is_kept_in_the_bucket_and_read_only_through_the_checked_view(
    client, settings, s3_endpoint, bucket, employer, other_employer, caseworker
):
    s3, name = bucket
    licence = employer.employer.licence.name
    assert stored(s3, name) == {
        licence: b"%PDF-1.4 test licence",
        other_employer.employer.licence.name: b"%PDF-1.4 test licence",
    }
    assert local_files(settings) == []
    url = reverse("employer_licence", args=[employer.employer.pk])
    for user in (employer, caseworker):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test licence"
    client.force_login(other_employer)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    # The object's own address, without a signature, is refused.
    assert anonymous_status(f"{s3_endpoint}/{name}/{licence}") == 403


@pytest.mark.django_db
def test_a_subsidy_scan_goes_to_the_bucket_and_stays_private(
    client, settings, bucket, seeker, other_seeker, outsider_caseworker, caseworker
):
    s3, name = bucket
    factories.make_graduate(seeker.person)
    client.force_login(seeker)
    scan = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 scan", "application/pdf")
    client.post(
        reverse("subsidies:application_new", args=["job-search"]),
        {"statement": "低保家庭", "document1": scan, **factories.account_fields()},
    )
    document = Application.objects.get().documents.get()
    assert stored(s3, name) == {document.file.name: b"%PDF-1.4 scan"}
    assert local_files(settings) == []
    download = reverse("subsidies:document_download", args=[document.pk])
    for user, status in [
        (seeker, 200),
        (caseworker, 200),
        (other_seeker, 404),
        (outsider_caseworker, 404),
    ]:
        client.force_login(user)
        response = client.get(download)
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content) == b"%PDF-1.4 scan"


@pytest.mark.django_db
def test_a_file_saved_again_under_its_name_keeps_the_first(bucket):
    s3, name = bucket
    first = default_storage.save("private/reports/R1/report.pdf", ContentFile(b"one"))
    second = default_storage.save("private/reports/R1/report.pdf", ContentFile(b"two"))
    assert first == "private/reports/R1/report.pdf"
    assert second != first
    assert stored(s3, name) == {first: b"one", second: b"two"}


@pytest.mark.django_db
def test_a_signed_address_lives_a_minute_and_the_plain_one_is_refused(
    s3_endpoint, bucket
):
    s3, name = bucket
    key = default_storage.save("private/subsidy-documents/x.pdf", ContentFile(b"x"))
    signed = urlsplit(default_storage.url(key))
    query = parse_qs(signed.query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["X-Amz-Signature"]
    assert anonymous_status(signed.geturl()) == 200
    assert anonymous_status(f"{s3_endpoint}/{name}/{key}") == 403


@pytest.mark.django_db
def test_a_worker_imports_an_insurance_file_from_the_bucket(
    bucket, foshan, employer, city_caseworker
):
    s3, name = bucket
    person = factories.make_person(residence=foshan["chancheng_community"])
    text = (
        "id_number,uscc,start_date,end_date,insurance_type\n"
        f"{person.id_number},{employer.employer.uscc},2026-03-01,,110\n"
    )
    insurance_import = InsuranceImport(requested_by=city_caseworker)
    insurance_import.file.save("enrolments.csv", ContentFile(text.encode()))
    assert stored(s3, name)[insurance_import.file.name] == text.encode()
    # Read back as another host would: a new storage object, from the bucket only.
    insurance_import = InsuranceImport.objects.get(pk=insurance_import.pk)
    done = services.run_insurance_import(insurance_import)
    assert (done.status, done.registered_count) == ("done", 1)
    assert EmploymentRegistration.objects.get().person == person
