"""Third-party messages re-translated in our Spanish catalogue.

django-allauth and Django ship Spanish that addresses the user as "usted" (and
mixes in "tú"); the platform speaks "tú" everywhere. Listing the English msgids
here keeps them in locale/es/LC_MESSAGES/django.po through makemessages, and
our catalogue (LOCALE_PATHS) takes precedence over the packages' own.
Nothing imports this module. The msgids must match the packages' exactly;
after upgrading allauth or Django, check that these pages still read "tú".
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

ALLAUTH = [
    # Log in, sign up, log out.
    _("If you have not created an account yet, then please %(link)ssign up%(end_link)s first."),
    _("Already have an account? Then please %(link)ssign in%(end_link)s."),
    _("The email address and/or password you specified are not correct."),
    _("Forgot your password?"),
    _("Forgot Password?"),
    _("Are you sure you want to sign out?"),
    # Messages after signing in and out (allauth's Spanish says "Ha iniciado sesión").
    _("Successfully signed in as %(name)s."),
    _("You have signed out."),
    _("Your primary email address must be verified."),
    _("You cannot remove your primary email address (%(email)s)."),
    # The verification and password reset emails.
    _("Please Confirm Your Email Address"),
    _(
        "You're receiving this email because user %(user_display)s has given your email "
        "address to register an account on %(site_domain)s."
    ),
    _("To confirm this is correct, go to %(activate_url)s"),
    _(
        "You're receiving this email because you or someone else has requested a password "
        "reset for your user account.\nIt can be safely ignored if you did not request a "
        "password reset. Click the link below to reset your password."
    ),
    _(
        "You are receiving this email because you, or someone else, tried to access an "
        "account with email %(email)s. However, we do not have any record of such an "
        "account in our database."
    ),
    # Password reset and change.
    _("Password Reset"),
    _(
        "Forgotten your password? Enter your email address below, and we'll send you an "
        "email allowing you to reset it."
    ),
    _("Please contact us if you have any trouble resetting your password."),
    _(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    _("Bad Token"),
    _(
        "The password reset link was invalid, possibly because it has already been used.  "
        'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    _("Your password is now changed."),
    _("Your password has been reset."),
    _("Please type your current password."),
    # Email addresses and their verification.
    _("Verify Your Email Address"),
    _(
        "We have sent an email to you for verification. Follow the link provided to finalize "
        "the signup process. If you do not see the verification email in your main inbox, "
        "check your spam folder. Please contact us if you do not receive the verification "
        "email within a few minutes."
    ),
    _(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address '
        "for user %(user_display)s."
    ),
    _(
        "This email confirmation link expired or is invalid. Please "
        '<a href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    _("You have confirmed %(email)s."),
    _("Your email has been confirmed."),
    _("The following email addresses are associated with your account:"),
    _("Do you really want to remove the selected email address?"),
    _("Re-send Verification"),
]

DJANGO = [
    # Password validators (django.contrib.auth).
    _("Your password can’t be too similar to your other personal information."),
    _("Your password can’t be a commonly used password."),
    _("Your password can’t be entirely numeric."),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
    # Form field errors (django.forms, django.core.validators).
    _("Enter a valid email address."),
    _("Enter a valid URL."),
    _("Enter a number."),
    _("Enter a whole number."),
    _("Select a valid choice. %(value)s is not one of the available choices."),
    _("Select a valid choice. That choice is not one of the available choices."),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    _("Ensure this value is less than or equal to %(limit_value)s."),
    _("Ensure this value is greater than or equal to %(limit_value)s."),
]
