import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.models import OrgUnit, Person, scope_filter


class EmploymentCertificateQuerySet(models.QuerySet):
    def for_user(self, user):
        scope = scope_filter(user, "person__residence")
        if scope is not None:
            return self.filter(scope)
        if user.is_authenticated and user.is_seeker:
            return self.filter(person__user=user)
        return self.none()


class EmploymentCertificate(models.Model):
    """就业创业证: free, real-name, one per person (docs/registration.md,
    "Employment certificate"). The number is text because provinces number their
    cards differently; the ID number is the natural key. What it records is read
    from the registrations themselves."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="employment_certificate",
    )
    number = models.CharField(_("certificate number"), max_length=30, unique=True)
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        OrgUnit,
        verbose_name=_("issuing office"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = EmploymentCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment certificate")
        verbose_name_plural = _("employment certificates")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("registration:certificate_detail")

    def get_verification_url(self) -> str:
        return settings.SITE_URL + reverse(
            "registration:certificate_verify", args=[self.code]
        )
