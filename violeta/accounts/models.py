from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a staff member does at the institute; it decides what she may see (docs/architecture.md, access model)."""

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
# Roles that read a woman's personal data, so granting one takes two people: the system administrator asks and
# a director approves (RoleGrant). Decided from what each role can open:
# - the case roles (CASE_ROLES) read case files, people and their notes;
# - the alert monitor reads MIA alerts: her name, phone, location and emergency contacts;
# - the card office reads card applications (CURP, address, phone) and the holders;
# - the partner liaison reads the referrals sent to her institution (the woman's data the referral carries).
# Not included: the trainer (training attendee lists: the name, sex, age group and role a participant gives
# for a training, no case data; to be revisited when Superación en acción enrols women from their case files),
# the merchant (a till that learns only whether a card is valid and the holder's first name, which the woman
# shows in person) and the system administrator (staff accounts and settings; no case access).
PERSONAL_DATA_ROLES = CASE_ROLES | frozenset({Role.ALERT_MONITOR, Role.CARD_OFFICE, Role.LIAISON})


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
    # Blank only while a new account waits for the director's approval of its role (see RoleGrant).
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
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
    # Part of the session hash: raising it ends every session of the account (disabled, role changed, or the
    # administrator's "end sessions"). See _get_session_auth_hash.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
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

    def _get_session_auth_hash(self, secret=None):
        """Django keeps this hash in the session and drops the session when it no longer matches (on every
        request, in ``django.contrib.auth.get_user``). Folding ``session_epoch`` into it ends all her sessions
        when the epoch rises. Epoch 0 keeps Django's own hash, so existing sessions survive the upgrade."""
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)
        key_salt = "violeta.accounts.models.User.get_session_auth_hash"
        value = f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def is_director(self) -> bool:
        return self.role == Role.DIRECTOR

    @property
    def works_on_cases(self) -> bool:
        return self.role in CASE_ROLES


class GrantStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Replaced by a later request")


class RoleGrant(models.Model):
    """A request to give an account a role that reads personal data (PERSONAL_DATA_ROLES).

    The system administrator asks (creating the account or changing its role); a director other than the one
    who asked, and other than the account's owner, approves or refuses with a comment. Until then the account
    keeps its old role (a new account has none and is disabled). Every step is in the audit log, flagged.
    """

    user = models.ForeignKey(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role requested"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    previous_role = models.CharField(_("previous role"), max_length=20, choices=Role.choices, blank=True)
    activate = models.BooleanField(
        default=False, help_text="A new account: enable it when the role is approved."
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.PENDING
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="rolegrant_one_pending_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.get_role_display()} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == GrantStatus.PENDING
