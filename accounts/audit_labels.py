"""Plain words for the audit actions of accounts (other apps register their own in ready())."""

from django.utils.translation import gettext_lazy as _

ACCOUNT_AUDIT_LABELS = {
    "account.approved": _("Approved the account"),
    "account.refused": _("Refused the account"),
    "account.disabled": _("Disabled the account"),
    "account.disabled_inactive": _("Disabled the account after a long inactivity"),
    "account.enabled": _("Enabled the account again"),
    "account.invited": _("Invited the person"),
    "account.invitation_resent": _("Sent the invitation again"),
    "account.sessions_ended": _("Ended the sign-in sessions"),
    "account.unit_assigned": _("Changed the unit"),
    "role.granted": _("Granted a role"),
    "role.revoked": _("Removed a role"),
    "supervision.granted": _("Made supervisor of a unit"),
    "supervision.ended": _("Ended a supervision"),
    "wellbeing_coverage.granted": _("Made wellbeing lead for an agency"),
    "wellbeing_coverage.ended": _("Ended a wellbeing lead's cover"),
    "privacy.exported": _("Downloaded the person's data"),
    "privacy.erasure_requested": _("Asked for the account to be erased"),
    "privacy.erasure_withdrawn": _("Withdrew the erasure request"),
    "privacy.erasure_declined": _("Declined the erasure request"),
    "privacy.erased": _("Erased the account's data"),
    "unit.moved": _("Moved a unit"),
}
