"""Keep reporting's count tables current on PostgreSQL: statement-level triggers on
courses_enrolment and accounts_user add the difference each statement makes (one grouped
upsert per statement, whatever the number of rows, so a COPY or a bulk update stays
cheap). Every write path is covered, whichever service makes it, without signals.

Only "required" enrolments (source assigned or rule) of active, approved people count;
months are UTC (the site's time zone). Other databases get nothing here: their counts are
those of the last rebuild (reporting.services.status_counts_refresh).

Every upsert writes its rows in key order, so two statements counting into the same rows
take their row locks in the same order (no deadlock between two bulk changes).

The SQL is written out here, not imported, so this migration means the same thing forever.
"""

from django.db import migrations

# The B608 markers for bandit: every SQL string here is built from constants only,
# never from input (bandit cannot tell).

REQUIRED = "('assigned', 'rule')"
COUNTED = "{t}.is_active AND {t}.vetting_status = 'approved'"
CELL = "user_id, course_id, source, state, enrolled_at, completed_at"
KEY = "agency_id, unit_id, profession_id"


def _month(column: str) -> str:
    return f"date_trunc('month', {column} AT TIME ZONE 'UTC')::date"


def _changed(old: str, new: str, columns: str) -> str:
    """Rows of the transition tables whose `columns` differ (same id)."""
    olds = ", ".join(f"o.{c.strip()}" for c in columns.split(","))
    news = ", ".join(f"n.{c.strip()}" for c in columns.split(","))
    return f"{old} o JOIN {new} n ON n.id = o.id WHERE ({olds}) IS DISTINCT FROM ({news})"


def _apply_cells(cells: str) -> str:
    """One statement: `cells` (user_id, key, course_id, state, enrolled_at, completed_at, sign)
    added to the status and month counts."""
    return f"""
    WITH cells AS ({cells}),
    statuses AS (
        INSERT INTO reporting_statuscount ({KEY}, course_id, state, n)
        SELECT {KEY}, course_id, state, SUM(sign) FROM cells
        GROUP BY {KEY}, course_id, state HAVING SUM(sign) <> 0
        ORDER BY {KEY}, course_id, state
        ON CONFLICT ({KEY}, course_id, state)
        DO UPDATE SET n = reporting_statuscount.n + EXCLUDED.n
        RETURNING 1
    )
    INSERT INTO reporting_monthcount ({KEY}, course_id, month, enrolled, completed)
    SELECT {KEY}, course_id, month, SUM(enrolled), SUM(completed) FROM (
        SELECT {KEY}, course_id, {_month("enrolled_at")} AS month, sign AS enrolled,
               0 AS completed
        FROM cells WHERE enrolled_at IS NOT NULL
        UNION ALL
        SELECT {KEY}, course_id, {_month("completed_at")}, 0, sign
        FROM cells WHERE completed_at IS NOT NULL
    ) AS months
    GROUP BY {KEY}, course_id, month HAVING SUM(enrolled) <> 0 OR SUM(completed) <> 0
    ORDER BY {KEY}, course_id, month
    ON CONFLICT ({KEY}, course_id, month) DO UPDATE SET
        enrolled = reporting_monthcount.enrolled + EXCLUDED.enrolled,
        completed = reporting_monthcount.completed + EXCLUDED.completed;
    """  # nosec B608


def _apply_people(people: str) -> str:
    """One statement: `people` (key, sign) added to the person counts."""
    return f"""
    INSERT INTO reporting_personcount ({KEY}, n)
    SELECT {KEY}, SUM(sign) FROM ({people}) AS people
    GROUP BY {KEY} HAVING SUM(sign) <> 0 ORDER BY {KEY}
    ON CONFLICT ({KEY}) DO UPDATE SET n = reporting_personcount.n + EXCLUDED.n;
    """  # nosec B608


def _enrolment_cells(rows: str) -> str:
    """Cells of enrolment rows (user_id, ..., sign), keyed by their person's current unit."""
    return (
        f"SELECT e.user_id, u.agency_id, u.unit_id, u.profession_id, e.course_id, e.state,"  # nosec B608
        f" e.enrolled_at, e.completed_at, e.sign"
        f" FROM ({rows}) AS e JOIN accounts_user u ON u.id = e.user_id"
        f" WHERE e.source IN {REQUIRED} AND {COUNTED.format(t='u')}"
    )


ENROLMENT_ROWS = {
    "INSERT": f"SELECT {CELL}, 1 AS sign FROM new_rows",  # nosec B608
    "DELETE": f"SELECT {CELL}, -1 AS sign FROM old_rows",  # nosec B608
    "UPDATE": (
        f"SELECT {', '.join('o.' + c.strip() for c in CELL.split(','))}, -1 AS sign"  # nosec B608
        f" FROM {_changed('old_rows', 'new_rows', CELL)}"
        f" UNION ALL SELECT {', '.join('n.' + c.strip() for c in CELL.split(','))}, 1"
        f" FROM {_changed('old_rows', 'new_rows', CELL)}"
    ),
}

# A person's key or whether they count changed: their people count moves, and so do the
# counts of all their required enrolments.
PERSON_FIELDS = "agency_id, unit_id, profession_id, is_active, vetting_status"
PERSON_SIDES = (
    f"SELECT o.id, o.agency_id, o.unit_id, o.profession_id, -1 AS sign"  # nosec B608
    f" FROM {_changed('old_rows', 'new_rows', PERSON_FIELDS)} AND {COUNTED.format(t='o')}"
    f" UNION ALL SELECT n.id, n.agency_id, n.unit_id, n.profession_id, 1"
    f" FROM {_changed('old_rows', 'new_rows', PERSON_FIELDS)} AND {COUNTED.format(t='n')}"
)
PERSON_ROWS = {
    "INSERT": f"SELECT {KEY}, 1 AS sign FROM new_rows n WHERE {COUNTED.format(t='n')}",  # nosec B608
    "DELETE": f"SELECT {KEY}, -1 AS sign FROM old_rows o WHERE {COUNTED.format(t='o')}",  # nosec B608
    "UPDATE": f"SELECT {KEY}, sign FROM ({PERSON_SIDES}) AS sides",  # nosec B608
}
PERSON_CELLS = (
    f"SELECT s.id AS user_id, s.agency_id, s.unit_id, s.profession_id, e.course_id, e.state,"  # nosec B608
    f" e.enrolled_at,"
    f" e.completed_at, s.sign FROM ({PERSON_SIDES}) AS s"
    f" JOIN courses_enrolment e ON e.user_id = s.id AND e.source IN {REQUIRED}"
)


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n{body}\nRETURN NULL;\nEND;\n$$;"
    )


def _trigger(table: str, op: str, function: str) -> str:
    referencing = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[op]
    return (
        f"CREATE TRIGGER {function} AFTER {op} ON {table} REFERENCING {referencing}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    )


def function_bodies() -> dict[tuple[str, str], str]:
    """(table, operation) -> the trigger function's SQL statements."""
    bodies = {}
    for op in ("INSERT", "UPDATE", "DELETE"):
        bodies["courses_enrolment", op] = _apply_cells(_enrolment_cells(ENROLMENT_ROWS[op]))
        body = _apply_people(PERSON_ROWS[op])
        if op == "UPDATE":
            body += _apply_cells(PERSON_CELLS)
        bodies["accounts_user", op] = body
    return bodies


def function_name(table: str, op: str) -> str:
    return {"courses_enrolment": "reporting_enrolment_", "accounts_user": "reporting_user_"}[
        table
    ] + op.lower()


def _statements() -> list[str]:
    statements = [
        f"CREATE UNIQUE INDEX reporting_statuscount_key ON reporting_statuscount"
        f" ({KEY}, course_id, state) NULLS NOT DISTINCT;",
        f"CREATE UNIQUE INDEX reporting_personcount_key ON reporting_personcount"
        f" ({KEY}) NULLS NOT DISTINCT;",
        f"CREATE UNIQUE INDEX reporting_monthcount_key ON reporting_monthcount"
        f" ({KEY}, course_id, month) NULLS NOT DISTINCT;",
    ]
    for (table, op), body in function_bodies().items():
        function = function_name(table, op)
        statements.append(_function(function, body))
        statements.append(_trigger(table, op, function))
    return statements


def _drop_statements() -> list[str]:
    statements = []
    for op in ("insert", "update", "delete"):
        for table, function in (
            ("courses_enrolment", f"reporting_enrolment_{op}"),
            ("accounts_user", f"reporting_user_{op}"),
        ):
            statements.append(f"DROP TRIGGER IF EXISTS {function} ON {table};")
            statements.append(f"DROP FUNCTION IF EXISTS {function}();")
    for name in ("statuscount", "personcount", "monthcount"):
        statements.append(f"DROP INDEX IF EXISTS reporting_{name}_key;")
    return statements


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements():
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_person_and_month_counts"),
    ]

    operations = [
        migrations.RunPython(_run(_statements), _run(_drop_statements)),
    ]
