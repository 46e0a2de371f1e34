"""Indexes for the browse pages at the network's size.

- Scientists by name (the list's order), so its first page is read in order.
- On PostgreSQL, trigram indexes (pg_trgm) on the upper-cased texts that the
  search looks words up in (`icontains` is `UPPER(x) LIKE UPPER('%word%')`), so
  a word found in few rows is an index scan instead of reading every text.
  Where the extension cannot be created (no privilege) the search works as
  before, without them.
"""

from django.db import migrations, models

TRIGRAM = [
    ("profiles_scientistprofile", "scientist_name_trgm", 'UPPER("name"::text)'),
    ("profiles_scientistprofile", "scientist_summary_trgm", 'UPPER("summary"::text)'),
    ("profiles_scientistprofile", "scientist_inst_abroad_trgm", 'UPPER("institution_abroad"::text)'),
    ("profiles_scientistprofile", "scientist_keywords_trgm", 'UPPER("keywords"::text)'),
    ("profiles_project", "project_title_trgm", 'UPPER("title"::text)'),
    ("profiles_project", "project_description_trgm", 'UPPER("description"::text)'),
    ("profiles_project", "project_keywords_trgm", 'UPPER("keywords"::text)'),
]


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm' UNION ALL "
            "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm' LIMIT 1"
        )
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - no privilege: search works without the indexes
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            return
        cursor.execute("RELEASE SAVEPOINT trgm")
        for table, name, expression in TRIGRAM:
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
                f"USING gin ({expression} gin_trgm_ops)"
            )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for _table, name, _expression in TRIGRAM:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0004_known_choices"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="scientistprofile",
            index=models.Index(fields=["name", "id"], name="scientist_name_id"),
        ),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
