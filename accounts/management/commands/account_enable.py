from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import user_enable


class Command(BaseCommand):
    help = (
        "Re-enable a disabled account from the server console (for example the only platform "
        "admin, after 90 days without use). Recorded in the audit log as 'system'."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        person = User.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"No account with the email {email}.")
        try:
            user_enable(actor=None, person=person)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{person.email} can sign in again.")
