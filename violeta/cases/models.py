from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import Area
from violeta.core.crypto import EncryptedTextField
from violeta.people.models import Person


class FolioCounter(models.Model):
    """The last folio number given in a year. Incremented under a row lock, so folios never repeat."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Abierto")
    FOLLOW_UP = "follow_up", _("En seguimiento")
    CLOSED = "closed", _("Cerrado")
    REOPENED = "reopened", _("Reabierto")


ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.FOLLOW_UP, CaseStatus.REOPENED)


class ArrivalChannel(models.TextChoices):
    OWN = "own", _("Por su cuenta")
    PHONE = "phone", _("Por teléfono")
    REFERRED = "referred", _("Canalizada por una institución")
    COMPANY = "company", _("IMM en tu empresa")
    MIA = "mia", _("Aplicación MIA")
    OTHER = "other", _("Otro")


class CloseReason(models.TextChoices):
    CONCLUDED = "concluded", _("Atención concluida")
    REFERRED = "referred", _("Canalizada a otra institución")
    NO_CONTACT = "no_contact", _("Sin contacto")
    DECLINED = "declined", _("Ella decidió no continuar")
    MOVED = "moved", _("Cambio de residencia")
    OTHER = "other", _("Otro motivo")


class Case(models.Model):
    """The single case file (expediente único): she tells her story once and the areas share it.

    The holder is the woman served; children and others take part through CaseParty. Who may see it is
    decided by the team (CaseTeamMember) and the coordinators of the team's areas; see cases.selectors.
    """

    folio = models.CharField(_("folio"), max_length=20, unique=True)
    status = models.CharField(_("estado"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    holder = models.ForeignKey(
        Person, verbose_name=_("titular"), on_delete=models.PROTECT, related_name="held_cases"
    )
    arrival_channel = models.CharField(_("cómo llegó"), max_length=12, choices=ArrivalChannel.choices)
    arrival_detail = models.CharField(_("institución o empresa que la canalizó"), max_length=150, blank=True)
    reason = EncryptedTextField(_("motivo de la consulta"))
    is_priority = models.BooleanField(_("prioritario"), default=False, db_index=True)
    opened_at = models.DateTimeField(_("abierto el"), default=timezone.now, db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    close_reason = models.CharField(
        _("motivo de cierre"), max_length=12, choices=CloseReason.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    people = models.ManyToManyField(Person, through="CaseParty", related_name="cases")
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseTeamMember",
        through_fields=("case", "user"),
        related_name="cases",
    )

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("expediente")
        verbose_name_plural = _("expedientes")

    def __str__(self):
        return self.folio

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Relation(models.TextChoices):
    HOLDER = "holder", _("Titular")
    DAUGHTER = "daughter", _("Hija")
    SON = "son", _("Hijo")
    MINOR_IN_CARE = "minor_in_care", _("Niña, niño o adolescente a su cuidado")
    RELATIVE = "relative", _("Familiar")
    OTHER = "other", _("Otra persona")


class CaseParty(models.Model):
    """A person in a case: the holder, her children (victims too) or others, with their relation to her."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_parties")
    relation = models.CharField(_("relación"), max_length=16, choices=Relation.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="caseparty_unique")]
        verbose_name = _("persona en el expediente")
        verbose_name_plural = _("personas en el expediente")


class CaseTeamMember(models.Model):
    """A staff member who attends the case, with the area she attends it for."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_memberships"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="caseteam_unique")]
        verbose_name = _("integrante del equipo")
        verbose_name_plural = _("equipo del expediente")


class Modality(models.TextChoices):
    IN_PERSON = "in_person", _("Presencial")
    PHONE = "phone", _("Por teléfono")
    VIDEO = "video", _("Videollamada")
    COMPANY = "company", _("En su empresa")


class Consultation(models.Model):
    """One service contact (atención, asesoría, sesión, orientación) of an area, with what was agreed.

    The summary is for the whole team; what only the area may read goes in an AreaNote.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consultations")
    area = models.ForeignKey(Area, verbose_name=_("área"), on_delete=models.PROTECT, related_name="+")
    modality = models.CharField(_("modalidad"), max_length=12, choices=Modality.choices)
    started_at = models.DateTimeField(_("fecha y hora"))
    duration_minutes = models.PositiveSmallIntegerField(_("duración (minutos)"))
    summary = EncryptedTextField(_("resumen para el equipo"))
    next_steps = EncryptedTextField(_("acuerdos y siguientes pasos"), blank=True)
    attended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("atención")
        verbose_name_plural = _("atenciones")


class AreaNote(models.Model):
    """A note that only the area that wrote it may read (e.g. psychology's clinical notes)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="area_notes")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="area_notes"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("nota"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("nota del área")
        verbose_name_plural = _("notas del área")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Expediente abierto")
    CONSULTATION = "consultation", _("Atención registrada")
    NOTE = "note", _("Nota del área")
    TEAM_ADDED = "team_added", _("Se integró al equipo")
    PARTY_ADDED = "party_added", _("Persona agregada")
    STATUS = "status", _("Cambio de estado")
    CLOSED = "closed", _("Expediente cerrado")
    REOPENED = "reopened", _("Expediente reabierto")
    BREAK_GLASS = "break_glass", _("Acceso de emergencia")


class CaseEvent(models.Model):
    """A line of the case timeline. ``description`` says what happened without personal details."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    description = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]


class CaseAccessGrant(models.Model):
    """Emergency access ("break glass") to a case outside the usual rules: reason written, time-limited, flagged."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("motivo"))
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-granted_at"]
