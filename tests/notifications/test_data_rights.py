"""A person's notifications are in their data export and go with their account."""

from accounts import data_rights
from notifications.kinds import Kind
from notifications.models import Delivery, Notification, NotificationPreference
from notifications.services import notify


def test_the_export_holds_ones_own_notifications_and_preferences(roles):
    for user in (roles.scientist, roles.other_scientist):
        notify(
            kind=Kind.MILESTONE_DONE,
            event_key="test:export",
            recipients=[user],
            link="/agreements/",
            params={"project": "Maíz", "milestone": f"Entrega {user.pk}"},
        )
    NotificationPreference.objects.create(
        user=roles.scientist, kind=Kind.INTEREST, delivery=Delivery.DIGEST
    )
    data = data_rights.export_user_data(roles.scientist)
    (exported,) = data["notifications"]
    assert f"Entrega {roles.scientist.pk}" in exported["what"]
    assert data["notification_preferences"] == {"interest": "digest"}


def test_deleting_the_account_deletes_its_notifications(roles):
    notify(
        kind=Kind.MILESTONE_DONE,
        event_key="test:delete",
        recipients=[roles.scientist, roles.member],
        link="/agreements/",
        actor=roles.other_scientist,
        params={"project": "Maíz", "milestone": "Entrega"},
    )
    data_rights.delete_account(user=roles.scientist)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [roles.member.pk]
