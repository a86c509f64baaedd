"""Background and scheduled tasks of the registration app (schedules are declared
in config's setup_schedules)."""

from registration import services
from registration.models import InsuranceImport


def run_insurance_import(insurance_import_id: int) -> None:
    insurance_import = InsuranceImport.objects.get(pk=insurance_import_id)
    services.run_insurance_import(insurance_import)


def flag_lost_contact() -> int:
    return services.flag_lost_contact()


def import_inbox_files() -> int:
    return len(services.import_inbox_files())


def resume_interrupted_imports() -> int:
    return services.resume_interrupted_imports()
