"""Demo subsidy applications for seed_demo."""

from registration.models import UnemploymentRegistration
from subsidies import services
from subsidies.models import Application, SubsidyType


def seed_applications() -> None:
    """Idempotent: registered unemployed people apply for the training subsidy."""
    if Application.objects.exists():
        return
    training = SubsidyType.objects.get(code="training")
    registered = UnemploymentRegistration.objects.filter(
        status=UnemploymentRegistration.Status.REGISTERED, person__user__isnull=False
    ).select_related("person__user")[:6]
    for index, registration in enumerate(registered):
        services.submit_application(
            Application(
                subsidy_type=training,
                person=registration.person,
                level=["五级", "四级", "三级"][index % 3],
                statement="已参加叉车司机培训并取得证书。",
            ),
            by=registration.person.user,
        )
