"""Values the database would store but the code does not know are refused there."""

import pytest
from django.db import IntegrityError, transaction

from matching.models import Interest
from tests import factories


@pytest.mark.parametrize(("field", "value"), [("side", "government"), ("decision", "maybe")])
def test_the_database_refuses_an_interest_side_or_decision_the_code_does_not_know(
    roles, field, value
):
    interest = factories.InterestFactory(scientist=roles.profile, project=roles.project)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interest.objects.filter(pk=interest.pk).update(**{field: value})
