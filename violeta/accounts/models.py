from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a staff member does at the institute; it decides what she may see (ARCHITECTURE.md, access model)."""

    RECEPTION = "reception", _("Reception")
    LEGAL = "legal", _("Legal")
    PSYCHOLOGY = "psychology", _("Psychology")
    SOCIAL_WORK = "social_work", _("Social work")
    TRAINER = "trainer", _("Training")
    CARD_OFFICE = "card_office", _("Card office")
    ALERT_MONITOR = "alert_monitor", _("Alert monitoring")
    COORDINATOR = "coordinator", _("Area coordination")
    DIRECTOR = "director", _("Director's office")
    LIAISON = "liaison", _("Partner institution liaison")
    MERCHANT = "merchant", _("Affiliated merchant")
    SYSADMIN = "sysadmin", _("System administration")


# Roles that attend women and so may be on a case's team.
CASE_ROLES = frozenset(
    {Role.RECEPTION, Role.LEGAL, Role.PSYCHOLOGY, Role.SOCIAL_WORK, Role.COORDINATOR, Role.DIRECTOR}
)
# Roles that may register a first interview (intake) and search people to avoid duplicates.
INTAKE_ROLES = frozenset({Role.RECEPTION, Role.LEGAL, Role.PSYCHOLOGY, Role.SOCIAL_WORK, Role.COORDINATOR})
# Roles whose work belongs to an area (their notes are readable by that area only).
AREA_ROLES = frozenset({Role.LEGAL, Role.PSYCHOLOGY, Role.SOCIAL_WORK, Role.COORDINATOR})


class Area(models.Model):
    """An area of care (jurídica, psicológica, trabajo social). Data, so an institute can add its own."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("role", Role.SYSADMIN)
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to Violeta: institute staff, a partner agency's liaison, or a merchant's till."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("The area she works in, or the one she coordinates."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("access to the technical admin"), default=False)
    is_on_duty = models.BooleanField(_("on duty"), default=False)
    date_joined = models.DateTimeField(_("joined on"), default=timezone.now)
    # The second factor (violeta/accounts/mfa.py): the last day she may work without one (empty: joined on +
    # MFA_ENROLMENT_GRACE_DAYS), and the count of wrong codes in a row with the lock they lead to.
    mfa_grace_until = models.DateTimeField(_("second factor required from"), null=True, blank=True)
    mfa_failures = models.PositiveSmallIntegerField(_("wrong second-factor codes in a row"), default=0)
    mfa_locked_until = models.DateTimeField(_("second factor locked until"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def works_on_cases(self) -> bool:
        return self.role in CASE_ROLES
