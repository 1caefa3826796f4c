"""Keep reporting_personstatuscount current on PostgreSQL: people (by key) with at least one
required course in each status, the matrix's page count when filtered by status.

The trigger functions of 0006 are replaced by the same statements plus one: for each
(person, status) whose cells a statement changed, the person's cells in that status are
counted after the statement; with the statement's difference that gives the count before,
and a person is added (0 -> some) or taken away (some -> 0). A person whose unit, agency,
profession or standing changes moves with every status they have.

Two transactions changing cells of the same person at the same moment can each miss the
other's change; the 10-minute rebuild puts such a count right (no lock is taken here, so a
trigger never makes a request wait or deadlock).

The state -> status folding is reporting.statuses.STATE_STATUS, written out here in SQL so
this migration means the same thing forever.
"""

import importlib

from django.db import migrations

# The B608 markers for bandit: every SQL string here is built from constants only,
# never from input (bandit cannot tell).

base = importlib.import_module("reporting.migrations.0006_count_triggers")

KEY = base.KEY
REQUIRED = base.REQUIRED


def _status(column: str) -> str:
    return (
        f"CASE {column} WHEN 'in_progress' THEN 'in_progress' WHEN 'certified' THEN 'completed'"
        f" WHEN 'window_open' THEN 'expiring' WHEN 'expired' THEN 'overdue'"
        f" WHEN 'overdue' THEN 'overdue' ELSE 'not_started' END"
    )


def _upsert(rows: str) -> str:
    return f"""
    INSERT INTO reporting_personstatuscount ({KEY}, status, n)
    SELECT {KEY}, status, SUM(sign) FROM ({rows}) AS moves
    GROUP BY {KEY}, status HAVING SUM(sign) <> 0 ORDER BY {KEY}, status
    ON CONFLICT ({KEY}, status) DO UPDATE SET n = reporting_personstatuscount.n + EXCLUDED.n;
    """  # nosec B608


def _cells_moves(cells: str) -> str:
    """Each (person, status) whose cells changed: +1 if they had none before and some now,
    -1 if the other way round."""
    return f"""
    WITH cells AS ({cells}),
    changed AS (
        SELECT user_id, {KEY}, {_status("state")} AS status, SUM(sign) AS d
        FROM cells GROUP BY user_id, {KEY}, {_status("state")} HAVING SUM(sign) <> 0
    ),
    counted AS (
        SELECT c.*, (
            SELECT COUNT(*) FROM courses_enrolment e
            WHERE e.user_id = c.user_id AND e.source IN {REQUIRED}
            AND {_status("e.state")} = c.status
        ) AS after
        FROM changed c
    )
    {_upsert(COUNTED_MOVES).strip()}
    """  # nosec B608


# Each changed (person, status): +1 when it now has cells and had none, -1 the other way.
COUNTED_MOVES = (
    f"SELECT {KEY}, status, CASE WHEN after > 0 AND after - d <= 0 THEN 1"  # nosec B608
    " WHEN after <= 0 AND after - d > 0 THEN -1 ELSE 0 END AS sign FROM counted"
)


# A person moved or stopped/started counting: every status they have goes with them.
PERSON_MOVES = (
    f"SELECT s.agency_id, s.unit_id, s.profession_id, st.status, s.sign"  # nosec B608
    f" FROM ({base.PERSON_SIDES}) AS s CROSS JOIN LATERAL ("
    f"SELECT DISTINCT {_status('e.state')} AS status FROM courses_enrolment e"
    f" WHERE e.user_id = s.id AND e.source IN {REQUIRED}) AS st"
)


def _bodies() -> dict[tuple[str, str], str]:
    bodies = base.function_bodies()
    for op in ("INSERT", "UPDATE", "DELETE"):
        cells = base._enrolment_cells(base.ENROLMENT_ROWS[op])
        bodies["courses_enrolment", op] += _cells_moves(cells)
    bodies["accounts_user", "UPDATE"] += _upsert(PERSON_MOVES)
    return bodies


def _replace(bodies):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        statements = [
            f"CREATE UNIQUE INDEX IF NOT EXISTS reporting_personstatuscount_key"
            f" ON reporting_personstatuscount ({KEY}, status) NULLS NOT DISTINCT;"
        ]
        for (table, op), body in bodies().items():
            statements.append(base._function(base.function_name(table, op), body))
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("reporting", "0007_person_status_counts")]

    operations = [
        migrations.RunPython(_replace(_bodies), _replace(base.function_bodies)),
    ]
