"""The table of the database cache (settings.CACHES without Redis), so that
`migrate` alone prepares a deployment: rate limits are counted in it by every
process that serves."""

from django.db import migrations

CACHE_TABLE = "diaspora_cache"


def create_cache_table(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    if CACHE_TABLE in schema_editor.connection.introspection.table_names():
        return
    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_erased_email")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
