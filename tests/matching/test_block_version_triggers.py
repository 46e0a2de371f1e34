"""Every table whose rows feed rescoring's blocks carries its triggers after all
migrations, whichever database: a migration that rebuilds a table on SQLite
drops them (profiles 0007 did, until matching 0016 put them back)."""

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

block_versions = importlib.import_module("matching.migrations.0013_block_versions")
TABLES = [table for table, _kind, _block in block_versions.TABLES] + [block_versions.INSTITUTIONS]


def triggers_on(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.parametrize("table", TABLES)
def test_every_table_behind_the_blocks_keeps_its_triggers_after_migrating(table):
    names = triggers_on(table)
    # SQLite: one per event and row (insert, update old and new, delete); institutions
    # one per event. PostgreSQL: one per event and TRUNCATE; institutions one.
    expected = {
        ("sqlite", False): 4,
        ("sqlite", True): 3,
        ("postgresql", False): 4,
        ("postgresql", True): 1,
    }[(connection.vendor, table == block_versions.INSTITUTIONS)]
    assert len([n for n in names if "blocks" in n]) == expected, names
