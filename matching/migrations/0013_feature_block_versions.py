"""Versions of the blocks of features that rescoring keeps in memory.

Rescoring kept each block of 2,000 profiles (or projects) with a stamp
computed from every row (counts and times: about 100 ms at 100,000
profiles, on every rescoring). Triggers now give the block a new version
at each insert, update and delete of a profile, a project or their vectors
(`FeatureBlockVersion`), in the same transaction, and rescoring reads those
few rows. The triggers
divide ids by 2,000, as `matching.models.FEATURE_BLOCK` says.
"""

from django.db import migrations, models

BLOCK = 2000
TABLES = [
    # (table, id column, kind)
    ("profiles_scientistprofile", "id", "scientists"),
    ("matching_scientistembedding", "scientist_id", "scientists"),
    ("profiles_project", "id", "projects"),
    ("matching_projectembedding", "project_id", "projects"),
]
VERSIONS = "matching_featureblockversion"


# A new random number for every change, not a count: a count taken back by a
# rollback would be given again to another change, and a worker that had read
# the block inside the rolled-back transaction would take it for its own.
RANDOM = {"postgresql": "(random() * 4611686018427387904)::bigint", "sqlite": "random()"}


def _bump(kind: str, block_sql: str, vendor: str) -> str:
    return (
        f"INSERT INTO {VERSIONS} (kind, block, version) "
        f"VALUES ('{kind}', {block_sql}, {RANDOM[vendor]}) "
        f"ON CONFLICT (kind, block) DO UPDATE SET version = excluded.version;"
    )


def _postgresql(table, column, kind):
    function = f"{table}_block_changed"
    yield f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                {_bump(kind, f"OLD.{column} / {BLOCK}", "postgresql")}
            END IF;
            IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{column} / {BLOCK} <> OLD.{column} / {BLOCK}) THEN
                {_bump(kind, f"NEW.{column} / {BLOCK}", "postgresql")}
            END IF;
            RETURN NULL;
        END $$
    """
    yield f"""
        CREATE TRIGGER {table}_block_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}()
    """


def _sqlite(table, column, kind):
    for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        yield f"""
            CREATE TRIGGER {table}_block_{event.lower()}_{row.lower()} AFTER {event} ON {table}
            BEGIN {_bump(kind, f"{row}.{column} / {BLOCK}", "sqlite")} END
        """


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    statements = _postgresql if vendor == "postgresql" else _sqlite
    with schema_editor.connection.cursor() as cursor:
        for table, column, kind in TABLES:
            for sql in statements(table, column, kind):
                cursor.execute(sql)
            # the blocks that already hold rows
            cursor.execute(
                f"INSERT INTO {VERSIONS} (kind, block, version) "  # noqa: S608
                f"SELECT '{kind}', {column} / {BLOCK}, {RANDOM[vendor]} FROM {table} WHERE true "
                "GROUP BY 2 ON CONFLICT (kind, block) DO NOTHING"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for table, _column, _kind in TABLES:
            if vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_block_changed ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {table}_block_changed()")
            elif vendor == "sqlite":
                for name in ("insert_new", "update_old", "update_new", "delete_old"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_block_{name}")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0012_fitted_model_copy"),
        ("profiles", "0005_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeatureBlockVersion",
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
                        choices=[("scientists", "Scientists"), ("projects", "Projects")],
                        max_length=10,
                    ),
                ),
                ("block", models.BigIntegerField()),
                ("version", models.BigIntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "block"), name="featureblockversion_one"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["scientists", "projects"])),
                        name="featureblockversion_kind_known",
                    ),
                ],
            },
        ),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
