"""An index on the user table in the matrix's default order (name, email, id), so the first
page of people is read from the index (LIMIT 25) instead of sorting everyone in scope.

Created here, by the reporting app that needs it, as plain SQL (IF NOT EXISTS works on
PostgreSQL and SQLite alike); it is not part of the accounts models' state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_beat_disable_inactive_accounts_and_session_purge"),
        ("reporting", "0003_beat_status_counts_refresh"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS reporting_user_report_order_idx "
                "ON accounts_user (full_name, email, id)"
            ),
            reverse_sql="DROP INDEX IF EXISTS reporting_user_report_order_idx",
        ),
    ]
