"""Versions of the blocks of rows that rescoring keeps in memory.

Rescoring kept each block of 2,000 profiles (or projects) with a stamp
computed from every row (counts and times: about 100 ms at 100,000
profiles), and read every floor of the other side (100,000 rows, another
100 ms), on every rescoring. Triggers now give a block a new version at
every insert, update and delete of a profile, a project, their vectors or
a floor (`BlockVersion`), in the same transaction, and rescoring reads
those few rows and then only the blocks that changed. A change to
institutions gives every block of projects a new version.

A block is `id // 2000` for profiles, projects and their vectors
(`matching.models.FEATURE_BLOCK`) and `owner_id // 250` for floors
(`FLOOR_BLOCK`). On PostgreSQL the triggers run once per statement over
its transition tables (with a row trigger a bulk update of 100,000 vectors
took 6.2 s instead of 2.4); SQLite has row triggers only.
"""

from django.db import migrations, models

VERSIONS = "matching_blockversion"
TABLES = [
    # (table, SQL of a row's kind, SQL of a row's block)
    ("profiles_scientistprofile", "'scientists'", "id / 2000"),
    ("matching_scientistembedding", "'scientists'", "scientist_id / 2000"),
    ("profiles_project", "'projects'", "id / 2000"),
    ("matching_projectembedding", "'projects'", "project_id / 2000"),
    ("matching_matchfloor", "side || ' floors'", "owner_id / 250"),
]
# A new random number for every change, not a count: a count taken back by a
# rollback would be given again to another change, and a worker that had read
# the block inside the rolled-back transaction would take it for its own.
RANDOM = {"postgresql": "(random() * 4611686018427387904)::bigint", "sqlite": "random()"}
UPSERT = "ON CONFLICT (kind, block) DO UPDATE SET version = excluded.version"
EVENTS = {
    # event: (REFERENCING clause, transition tables it reads)
    "insert": ("NEW TABLE AS new_rows", ("new_rows",)),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows", ("old_rows", "new_rows")),
    "delete": ("OLD TABLE AS old_rows", ("old_rows",)),
}


def _postgresql(table, kind, block):
    for event, (referencing, sources) in EVENTS.items():
        changed = " UNION ".join(f"SELECT DISTINCT {kind}, {block} FROM {rows}" for rows in sources)
        name = f"{table}_{event}_blocks"
        yield f"""
            CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {VERSIONS} (kind, block, version)
                SELECT kind, block, {RANDOM["postgresql"]}
                FROM ({changed}) AS changed(kind, block) {UPSERT};
                RETURN NULL;
            END $$
        """
        yield f"""
            CREATE TRIGGER {name} AFTER {event.upper()} ON {table}
            REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()
        """
    # Emptying a table (a test run's flush, say) deletes no row one by one:
    # every block of its kinds gets a new version.
    name = f"{table}_truncate_blocks"
    kinds = "('scientist floors', 'project floors')" if "side" in kind else f"({kind})"
    yield f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {VERSIONS} SET version = {RANDOM["postgresql"]} WHERE kind IN {kinds};
            RETURN NULL;
        END $$
    """
    yield f"""
        CREATE TRIGGER {name} AFTER TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}()
    """


def _sqlite(table, kind, block):
    for event, row in (("insert", "new"), ("update", "old"), ("update", "new"), ("delete", "old")):
        row_kind = kind.replace("side", f"{row}.side")
        yield f"""
            CREATE TRIGGER {table}_{event}_{row}_blocks AFTER {event.upper()} ON {table}
            BEGIN
                INSERT INTO {VERSIONS} (kind, block, version)
                VALUES ({row_kind}, {row}.{block}, {RANDOM["sqlite"]}) {UPSERT};
            END
        """


# A project's features hold its institution's name and state: any change to
# institutions (rare) gives every block of projects a new version.
INSTITUTIONS = "profiles_institution"


def _institutions(vendor):
    bump = f"UPDATE {VERSIONS} SET version = {RANDOM[vendor]} WHERE kind = 'projects';"
    name = f"{INSTITUTIONS}_blocks"
    if vendor == "sqlite":
        for event in ("insert", "update", "delete"):
            yield f"""
                CREATE TRIGGER {name}_{event} AFTER {event.upper()} ON {INSTITUTIONS}
                BEGIN {bump} END
            """
        return
    yield f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {bump} RETURN NULL; END $$
    """
    yield f"""
        CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {INSTITUTIONS}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}()
    """


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in RANDOM:
        return
    statements = _postgresql if vendor == "postgresql" else _sqlite
    with schema_editor.connection.cursor() as cursor:
        for sql in _institutions(vendor):
            cursor.execute(sql)
        for table, kind, block in TABLES:
            for sql in statements(table, kind, block):
                cursor.execute(sql)
            # the blocks that already hold rows
            cursor.execute(
                f"INSERT INTO {VERSIONS} (kind, block, version) "  # noqa: S608
                f"SELECT DISTINCT {kind}, {block}, 0 FROM {table} WHERE true "
                "ON CONFLICT (kind, block) DO NOTHING"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        name = f"{INSTITUTIONS}_blocks"
        if vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {INSTITUTIONS}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
        for table, _kind, _block in TABLES:
            if vendor == "postgresql":
                for event in (*EVENTS, "truncate"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_blocks ON {table}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {table}_{event}_blocks()")
            elif vendor == "sqlite":
                for name in ("insert_new", "update_old", "update_new", "delete_old"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{name}_blocks")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0012_fitted_model_copy"),
        ("profiles", "0006_scientist_portrait_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="BlockVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("scientists", "Scientists"),
                            ("projects", "Projects"),
                            ("scientist floors", "Floors of scientists"),
                            ("project floors", "Floors of projects"),
                        ],
                        max_length=20,
                    ),
                ),
                ("block", models.BigIntegerField()),
                ("version", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "block"), name="blockversion_one"),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                ["scientists", "projects", "scientist floors", "project floors"],
                            )
                        ),
                        name="blockversion_kind_known",
                    ),
                ],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
