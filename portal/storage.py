"""Uploads on S3-compatible object storage (MinIO, Alibaba Cloud OSS, Tencent COS),
chosen by OBJECT_STORAGE_BUCKET (config/settings.py, docs/several-hosts.md).

Every upload is private: licences, ID scans, insurance files and reports. The
portal's permission-checked views read them from the bucket and send them on; the
bucket itself is never public, so an object's plain address is refused."""

from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

# The life of a signed address (storage.url()), in case code ever hands one out.
SIGNED_URL_SECONDS = 60


class PrivateObjectStorage(S3Storage):
    # Fixed here, not settings: each one keeps the uploads private or keeps the
    # behaviour of the local disk.
    FIXED = {
        # url() signs and expires; a custom domain would give unsigned addresses.
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        "custom_domain": None,
        # No ACL header: objects take the bucket's own (private) access, and
        # services that refuse ACL headers (buckets with ACLs disabled) still work.
        "default_acl": None,
        # As on the local disk, a second file of the same name gets a new name
        # instead of replacing the first (a report saved again by a retry).
        "file_overwrite": False,
    }
    # Downloads larger than this are spooled to a temporary file, not kept in memory.
    max_memory_size = 2 * 1024 * 1024

    def __init__(self, *, addressing_style: str = "virtual", **options):
        fixed = sorted(set(options) & set(self.FIXED))
        if fixed:
            raise ImproperlyConfigured(
                f"PrivateObjectStorage does not take {', '.join(fixed)}: "
                "uploads stay private."
            )
        options["client_config"] = Config(
            s3={"addressing_style": addressing_style},
            signature_version="s3v4",
            # botocore adds checksums to every upload by default since 1.36, which
            # several S3-compatible services refuse (docs/several-hosts.md).
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        super().__init__(**{**options, **self.FIXED})
