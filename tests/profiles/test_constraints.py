"""Values the database would store but the code does not know are refused there."""

import pytest
from django.db import IntegrityError, transaction

from profiles.models import Institution, Project, ScientistProfile


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Institution, "kind", "secret_society"),
        (ScientistProfile, "position", "king"),
        (Project, "status", "archived"),
        (Project, "funding", "lots"),
        (Project, "collaboration_type", "heist"),
    ],
)
def test_the_database_refuses_a_choice_the_code_does_not_know(roles, model, field, value):
    row = model.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: value})
