"""SQLite adds a stored generated column (profiles 0007, `search_text`) by
rebuilding the table, and a rebuilt table loses its triggers: the block
versions of 0013 would stop moving when a profile or a project changes, and
rescoring would keep scoring against what it read before. Put them back on
the two tables and give their blocks new versions. PostgreSQL adds the
column in place and keeps its triggers."""

import importlib

from django.db import migrations

block_versions = importlib.import_module("matching.migrations.0013_block_versions")
REBUILT = {"profiles_scientistprofile", "profiles_project"}


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, kind, block in block_versions.TABLES:
            if table not in REBUILT:
                continue
            for sql in block_versions._sqlite(table, kind, block):
                cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
            cursor.execute(
                f"INSERT INTO {block_versions.VERSIONS} (kind, block, version) "  # noqa: S608
                f"SELECT DISTINCT {kind}, {block}, random() FROM {table} WHERE true "
                f"{block_versions.UPSERT}"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0015_partial_round_index"),
        ("profiles", "0007_search_text"),
    ]

    operations = [migrations.RunPython(restore_triggers, migrations.RunPython.noop)]
