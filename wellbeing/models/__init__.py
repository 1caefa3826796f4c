"""Wellbeing models, one module per aggregate (DESIGN section 4).

Content (answers, scores, free text, requests, lead notes, exposure) lives in CheckIn,
ReviewCase, ReviewEntry and ExposureEntry: visible only to the person and the wellbeing leads
covering their agency, never registered in the Django admin.
"""

from .checkins import CheckIn
from .exposure import ExposureEntry, ExposureKind
from .instruments import Instrument
from .preferences import AgencyInstrument, AgencyWellbeingSettings, PersonWellbeingSettings
from .resources import ResourcePage, SupportContact
from .review import AdjustmentFlag, ReviewCase, ReviewEntry

__all__ = [
    "AdjustmentFlag",
    "AgencyInstrument",
    "AgencyWellbeingSettings",
    "CheckIn",
    "ExposureEntry",
    "ExposureKind",
    "Instrument",
    "PersonWellbeingSettings",
    "ResourcePage",
    "ReviewCase",
    "ReviewEntry",
    "SupportContact",
]
