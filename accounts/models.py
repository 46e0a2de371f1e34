from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
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
        return self.filter(
            models.Q(is_superuser=True) | models.Q(groups__name=COORDINATORS_GROUP), is_active=True
        ).distinct()


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

    def __str__(self):
        return self.full_name or self.email

    @property
    def is_coordinator(self) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return self.groups.filter(name=COORDINATORS_GROUP).exists()

    @property
    def is_scientist(self) -> bool:
        return self.role == self.Role.SCIENTIST
