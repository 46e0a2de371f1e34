"""A published pair that either side declines frees its seat in the round."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from matching.models import Interest

from .services import free_declined_seat


@receiver(post_save, sender=Interest, dispatch_uid="rounds_free_declined_seat")
def free_seat_on_decline(sender, instance: Interest, **kwargs):
    if instance.decision == Interest.Decision.DECLINED:
        transaction.on_commit(
            lambda: free_declined_seat(
                scientist_id=instance.scientist_id, project_id=instance.project_id
            )
        )
