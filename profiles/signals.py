from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from accounts.models import ErasedEmail

from . import services


@receiver(email_confirmed)
def claim_profile_on_email_confirmation(sender, request, email_address, **kwargs):
    """A scientist whose verified email matches an imported profile gets that profile."""
    user = email_address.user
    # Someone who deleted their account and comes back may be imported again.
    ErasedEmail.objects.forget(email_address.email)
    if user is not None:
        services.claim_imported_profile(user=user, email=email_address.email)
