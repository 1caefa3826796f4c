from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Print how to sign in to the local demo."

    def handle(self, *args, **options):
        url = settings.SITE_URL
        lines = [
            "",
            f"  The demo is starting at {url}  (Ctrl-C stops web, worker and beat)",
            f"  Every demo account's password: {DEMO_PASSWORD}",
            "  Roles above learner also need a code: make totp EMAIL=trainer@nps.example",
            "  (in another terminal). Emails the demo sends are written to var/mail/.",
            "",
        ]
        for email, name, _agency, _unit, _prof, groups, _lang in PEOPLE:
            role = ", ".join(groups) or _role_hint(email)
            lines.append(f"    {email:<32} {name:<18} {role}")
        lines.append("    newcomer@nps.example             (pending: approve it as agency.admin)")
        lines.append("")
        self.stdout.write("\n".join(lines))


def _role_hint(email: str) -> str:
    if email.startswith("supervisor"):
        return "supervisor"
    if email.startswith("wellbeing"):
        return "wellbeing lead"
    return "learner"
