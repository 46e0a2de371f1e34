from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed)
def claim_profile_on_email_confirmation(sender, request, email_address, **kwargs):
    """A scientist whose verified email matches an imported profile gets that profile."""
    user = email_address.user
    if user is not None:
        services.claim_imported_profile(user=user, email=email_address.email)
