"""The covering indexes of 0009 served the check of which blocks of features
changed; block versions (0013) answer it now and nothing else reads them,
while every save of a profile, a project or a vector kept them up to date."""

from importlib import import_module

from django.db import migrations

stamp_indexes = import_module("matching.migrations.0009_feature_stamp_indexes")


class Migration(migrations.Migration):
    dependencies = [("matching", "0013_block_versions")]

    operations = [
        migrations.RunPython(stamp_indexes.drop_indexes, stamp_indexes.add_indexes),
    ]
