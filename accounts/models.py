import hashlib
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

COORDINATORS_GROUP = "coordinators"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def coordinators(self):
        # The ids of the group's members and of superusers (partial index), then
        # their rows: joining every user to their groups, or an OR between the
        # two, read the whole user table (20 ms at 100,000 users).
        in_group = self.model.groups.through.objects.filter(group__name=COORDINATORS_GROUP)
        superusers = self.filter(is_superuser=True).values("pk")
        return self.filter(pk__in=in_group.values("user_id").union(superusers), is_active=True)


class User(AbstractUser):
    class Role(models.TextChoices):
        SCIENTIST = "scientist", _("Scientist abroad")
        INSTITUTION_MEMBER = "institution_member", _("Member of an institution in Mexico")
        COORDINATOR = "coordinator", _("Coordinator")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SCIENTIST)
    privacy_accepted_at = models.DateTimeField(
        _("privacy notice accepted at"), null=True, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("es", "Español"), ("en", "English")],
        default="es",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        indexes = [
            # coordinators(): the few superusers without reading every user
            models.Index(
                fields=["is_superuser"],
                condition=models.Q(is_superuser=True),
                name="user_superusers",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_coordinator(self) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return self.in_coordinators_group

    # Read once per loaded user (request.user is loaded for each request): the
    # navigation, the middleware and the views all ask, up to eight times a page.
    @cached_property
    def in_coordinators_group(self) -> bool:
        return self.groups.filter(name=COORDINATORS_GROUP).exists()

    @cached_property
    def approved_institution_ids(self) -> frozenset[int]:
        """The approved institutions where this user is an approved member."""
        from profiles.models import Membership

        return frozenset(
            Membership.objects.approved().filter(user=self).values_list("institution_id", flat=True)
        )

    @property
    def is_scientist(self) -> bool:
        return self.role == self.Role.SCIENTIST


class ErasedEmailQuerySet(models.QuerySet):
    def remember(self, emails):
        for email in {e.strip().lower() for e in emails if e}:
            self.get_or_create(digest=ErasedEmail.digest_of(email))

    def forget(self, email: str) -> None:
        self.filter(digest__in=ErasedEmail.digests_to_match(email)).delete()

    def erased(self, emails) -> set[str]:
        """The emails among these that belong to someone who deleted their account.

        Digests written before the keyed digest (bare SHA-256) or with a retired
        secret still match, and are rewritten with the current key when found.
        """
        by_digest = {}
        for email in {e for e in emails if e}:
            for digest in ErasedEmail.digests_to_match(email):
                by_digest[digest] = email
        found = set(self.filter(digest__in=by_digest).values_list("digest", flat=True))
        current = {ErasedEmail.digest_of(by_digest[d]) for d in found}
        for digest in found - current:
            self.filter(digest=digest).delete()
            self.get_or_create(digest=ErasedEmail.digest_of(by_digest[digest]))
        return {by_digest[d] for d in found}


class ErasedEmail(models.Model):
    """A keyed one-way digest (HMAC-SHA256 with the secret key) of the email of
    someone who deleted their account, so a later bulk import does not bring their
    profile back. Keyed, so that nobody holding the table can confirm a guessed
    address. Forgotten when the same person signs up and verifies the address
    again."""

    digest = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(auto_now_add=True)

    objects = ErasedEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("erased email")
        verbose_name_plural = _("erased emails")

    def __str__(self):
        return self.digest[:12]

    @staticmethod
    def digest_of(email: str, secret: str | None = None) -> str:
        return salted_hmac(
            ERASED_EMAIL_SALT, _normalized(email), secret=secret, algorithm="sha256"
        ).hexdigest()

    @staticmethod
    def digests_to_match(email: str) -> list[str]:
        """The current digest, those under retired secrets, and the unkeyed one of
        rows written before digests were keyed."""
        digests = [ErasedEmail.digest_of(email)]
        digests += [
            ErasedEmail.digest_of(email, secret) for secret in settings.SECRET_KEY_FALLBACKS
        ]
        digests.append(hashlib.sha256(_normalized(email).encode()).hexdigest())
        return digests


ERASED_EMAIL_SALT = "accounts.ErasedEmail"


def _normalized(email: str) -> str:
    return email.strip().lower()
