from django.core.management.base import BaseCommand, CommandError

from accounts.mfa import totp_code_for, totp_secret_of
from accounts.models import User


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo user (for the local demo only)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        from django.conf import settings

        if not settings.DEBUG:
            raise CommandError("demo_totp only runs with DJANGO_DEBUG on (the local demo).")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the email {email}.")
        secret = totp_secret_of(user)
        if secret is None:
            raise CommandError(f"{email} has no authenticator app set up.")
        self.stdout.write(totp_code_for(secret))
