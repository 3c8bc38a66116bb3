from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a staff member does at the institute; it decides what she may see (ARCHITECTURE.md, access model)."""

    RECEPTION = "reception", _("Recepción")
    LEGAL = "legal", _("Jurídico")
    PSYCHOLOGY = "psychology", _("Psicología")
    SOCIAL_WORK = "social_work", _("Trabajo social")
    TRAINER = "trainer", _("Capacitación")
    CARD_OFFICE = "card_office", _("Oficina de la tarjeta")
    ALERT_MONITOR = "alert_monitor", _("Monitoreo de alertas")
    COORDINATOR = "coordinator", _("Coordinación de área")
    DIRECTOR = "director", _("Dirección")
    LIAISON = "liaison", _("Enlace de institución aliada")
    MERCHANT = "merchant", _("Comercio afiliado")
    SYSADMIN = "sysadmin", _("Administración del sistema")


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

    code = models.SlugField(_("clave"), max_length=30, unique=True)
    name = models.CharField(_("nombre"), max_length=80)
    is_active = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("área")
        verbose_name_plural = _("áreas")

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

    email = models.EmailField(_("correo electrónico"), unique=True)
    full_name = models.CharField(_("nombre completo"), max_length=150)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        Area,
        verbose_name=_("área"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("El área en la que atiende, o la que coordina."),
    )
    is_active = models.BooleanField(_("activa"), default=True)
    is_staff = models.BooleanField(_("acceso al panel técnico"), default=False)
    is_on_duty = models.BooleanField(_("de guardia"), default=False)
    date_joined = models.DateTimeField(_("alta"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("cuenta")
        verbose_name_plural = _("cuentas")

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
