from django.core.management.base import BaseCommand, CommandError

from wellbeing.instruments import InstrumentDataError, instrument_load, spec_read


class Command(BaseCommand):
    help = "Load (or check) a questionnaire from its JSON data file. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the instrument's JSON file")
        parser.add_argument(
            "--allow-placeholder",
            action="store_true",
            help="accept a template with placeholder text (tests and demos only)",
        )

    def handle(self, *args, path, allow_placeholder=False, **options):
        self.stdout.write(load(path, allow_placeholder=allow_placeholder))


def load(path, *, allow_placeholder: bool) -> str:
    try:
        spec = spec_read(path)
        instrument, outcome = instrument_load(
            spec=spec, source=str(path), allow_placeholder=allow_placeholder
        )
    except InstrumentDataError as exc:
        raise CommandError(str(exc)) from exc
    return f"{instrument.code} version {instrument.version}: {outcome}"
