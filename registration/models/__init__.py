from registration.models.certificates import EmploymentCertificate
from registration.models.employed_changes import EmployedChange
from registration.models.employment import OPEN_END, EmploymentRegistration
from registration.models.imports import InsuranceImport
from registration.models.recognitions import DifficultyRecognition
from registration.models.rules import CancellationReason, LocalRules
from registration.models.unemployment import UnemploymentRegistration

__all__ = [
    "OPEN_END",
    "CancellationReason",
    "DifficultyRecognition",
    "EmployedChange",
    "EmploymentCertificate",
    "EmploymentRegistration",
    "InsuranceImport",
    "LocalRules",
    "UnemploymentRegistration",
]
