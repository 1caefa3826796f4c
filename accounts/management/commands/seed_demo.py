from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import seed_people
from accounts.registries import demo_seeders


class Command(BaseCommand):
    help = "Create (or complete) the demo organisations, people and content. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DJANGO_DEBUG off. Demo accounts have a published password.",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts with a published password while "
                "DJANGO_DEBUG is off. Pass --allow-production for a throwaway instance."
            )
        people = seed_people(self.stdout)
        self.stdout.write(f"accounts: {len(people)} demo people ready")
        for name, seed in demo_seeders():
            seed(self.stdout)
            self.stdout.write(f"{name}: demo content ready")
