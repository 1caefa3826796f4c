from django.core.management.base import BaseCommand

from wellbeing.instruments import PROQOL_FILE

from .load_instrument import load


class Command(BaseCommand):
    help = (
        "Load the ProQOL 5 from the official data file your agency prepared (see "
        "wellbeing/data/proqol5/README.md). The text is never bundled with the software: "
        "The Center for Victims of Torture's terms forbid selling it. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(PROQOL_FILE))
        parser.add_argument(
            "--allow-placeholder",
            action="store_true",
            help="accept the template's placeholder text (tests and demos only)",
        )

    def handle(self, *args, path, allow_placeholder=False, **options):
        self.stdout.write(load(path, allow_placeholder=allow_placeholder))
        self.stdout.write(
            "Credit: The Center for Victims of Torture, https://proqol.org/ (shown with the "
            "questionnaire). Agency administrators can now offer it under Wellbeing settings."
        )
