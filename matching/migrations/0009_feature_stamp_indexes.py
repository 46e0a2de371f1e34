"""Covering indexes for the matcher's check of which feature blocks changed.

Each rescoring asks, per block of ids, how many profiles (open projects) and
vectors there are and when they last changed (`matcher._feature_blocks`). On
PostgreSQL these indexes answer that from the index alone instead of reading
every row of the widest tables (100,000 profiles: about 15 ms instead of 90).
Other databases have no covering indexes; there the check reads the tables.
"""

from django.db import migrations

INDEXES = [
    ("profiles_scientistprofile", "scientist_id_updated", '"id"', '"updated_at"'),
    ("profiles_project", "project_id_status_updated", '"id"', '"status", "updated_at"'),
    ("matching_scientistembedding", "scientist_vector_updated", '"scientist_id"', '"updated_at"'),
    ("matching_projectembedding", "project_vector_updated", '"project_id"', '"updated_at"'),
]


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, name, key, include in INDEXES:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({key}) INCLUDE ({include})'
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for _table, name, _key, _include in INDEXES:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0008_match_rank_indexes"),
        ("profiles", "0005_search_indexes"),
    ]

    operations = [migrations.RunPython(add_indexes, drop_indexes)]
