"""The accounts part of the privacy registry: profile fields and the audit trail about you."""

from __future__ import annotations

from .privacy import privacy_register


def _export(user) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "agency": str(user.agency) if user.agency_id else None,
        "unit": user.unit.name if user.unit_id else None,
        "profession": user.profession.name if user.profession_id else None,
        "jurisdiction": user.jurisdiction,
        "preferred_language": user.preferred_language,
        "vetting_status": user.vetting_status,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "reads_of_your_data": [
            {"when": e.at.isoformat(), "who": e.actor_label, "action": e.action}
            for e in user.audit_events_about.all()
        ],
    }


def _erase(user) -> None:
    # The account row itself is kept (audit rows point at it) but stripped of identity.
    user.full_name = ""
    user.jurisdiction = ""
    user.email = f"erased-{user.pk}@erased.invalid"
    user.is_active = False
    user.disabled_reason = "erased at the person's request"
    user.set_unusable_password()
    user.save()
    user.emailaddress_set.all().delete()


privacy_register(
    name="accounts",
    describes="Your profile: name, email, agency, unit, profession, language, jurisdiction.",
    export=_export,
    erase=_erase,
)
