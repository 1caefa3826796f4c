from django.core.management.base import BaseCommand

from wellbeing.services import encrypted_texts_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt wellbeing free text and lead notes with the newest key in "
        "LMS_FIELD_ENCRYPTION_KEYS. Run it after putting a new key first; remove the old key "
        "only afterwards. Safe to run again."
    )

    def handle(self, *args, **options):
        counts = encrypted_texts_rotate()
        for label, (done, unreadable) in counts.items():
            self.stdout.write(f"{label}: {done} re-encrypted, {unreadable} unreadable")
            if unreadable:
                self.stderr.write(
                    f"{label}: {unreadable} value(s) could not be decrypted with any configured "
                    "key; they were left as they are."
                )
