"""Violence in a case file: incidents, aggressors, risk assessments, safety plans, protection orders and
trafficking screening, as the institute's care protocol asks (LGAMVLV types and modalities).

Everything here hangs off a ``cases.Case`` and is read only through ``violence.selectors``, which go through
``cases.selectors.access_case``. Narratives, plans and anything she tells are encrypted at rest.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.core.crypto import EncryptedTextField
from violeta.people.models import Neighborhood, Schooling

# Orders last up to 60 days from the grant and may be extended once by up to 30 (LGAMVLV).
ORDER_MAX_DAYS = 60
ORDER_MAX_EXTENSION_DAYS = 30


class ViolenceType(models.TextChoices):
    """Types of violence, LGAMVLV art. 6."""

    PSYCHOLOGICAL = "psychological", _("Psychological")
    PHYSICAL = "physical", _("Physical")
    PATRIMONIAL = "patrimonial", _("Patrimonial")
    ECONOMIC = "economic", _("Economic")
    SEXUAL = "sexual", _("Sexual")
    VICARIOUS = "vicarious", _("Vicarious")
    OTHER = "other", _("Other analogous form")


class ViolenceModality(models.TextChoices):
    """Modalities of violence, LGAMVLV."""

    FAMILY = "family", _("Family")
    WORK_SCHOOL = "work_school", _("Workplace and school")
    COMMUNITY = "community", _("In the community")
    INSTITUTIONAL = "institutional", _("Institutional")
    POLITICAL = "political", _("Political")
    DIGITAL = "digital", _("Digital and media")
    FEMICIDAL = "femicidal", _("Femicidal")


class DatePrecision(models.TextChoices):
    EXACT = "exact", _("Exact date")
    MONTH = "month", _("Month and year")
    YEAR = "year", _("Year only")
    APPROXIMATE = "approximate", _("Approximate")


class PlaceKind(models.TextChoices):
    SHARED_HOME = "shared_home", _("The home they share")
    HER_HOME = "her_home", _("Her home")
    AGGRESSOR_HOME = "aggressor_home", _("The aggressor's home")
    RELATIVES_HOME = "relatives_home", _("A relative's home")
    STREET = "street", _("Street or public place")
    TRANSPORT = "transport", _("Public transport")
    WORKPLACE = "workplace", _("Workplace")
    SCHOOL = "school", _("School")
    INSTITUTION = "institution", _("Public office or institution")
    ONLINE = "online", _("Online or by phone")
    OTHER = "other", _("Other place")


class Injuries(models.TextChoices):
    NONE = "none", _("No visible injuries")
    MINOR = "minor", _("Minor injuries")
    MEDICAL = "medical", _("Injuries that needed medical care")
    HOSPITAL = "hospital", _("Hospitalised")
    UNKNOWN = "unknown", _("Not known")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Does not know")


class Aggressor(models.Model):
    """A person who exercised violence against her (persona agresora), as she describes him or her."""

    class Relationship(models.TextChoices):
        PARTNER = "partner", _("Partner or husband")
        EX_PARTNER = "ex_partner", _("Former partner or husband")
        BOYFRIEND = "boyfriend", _("Boyfriend")
        EX_BOYFRIEND = "ex_boyfriend", _("Former boyfriend")
        FATHER = "father", _("Father or stepfather")
        MOTHER = "mother", _("Mother or stepmother")
        CHILD = "child", _("Son or daughter")
        SIBLING = "sibling", _("Brother or sister")
        RELATIVE = "relative", _("Other relative")
        IN_LAW = "in_law", _("In-law")
        BOSS = "boss", _("Boss or co-worker")
        TEACHER = "teacher", _("Teacher or school staff")
        PUBLIC_SERVANT = "public_servant", _("Public servant")
        ACQUAINTANCE = "acquaintance", _("Acquaintance or neighbour")
        STRANGER = "stranger", _("Stranger")
        OTHER = "other", _("Other")

    class Sex(models.TextChoices):
        MAN = "man", _("Man")
        WOMAN = "woman", _("Woman")
        UNKNOWN = "unknown", _("Not known")

    class AgeRange(models.TextChoices):
        UNDER_18 = "under_18", _("Under 18")
        A18_29 = "18_29", _("18 to 29")
        A30_44 = "30_44", _("30 to 44")
        A45_59 = "45_59", _("45 to 59")
        A60 = "60_plus", _("60 or more")
        UNKNOWN = "unknown", _("Not known")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aggressors")
    alias = EncryptedTextField(_("name or alias, as she gives it"), blank=True)
    relationship = models.CharField(_("relationship to her"), max_length=20, choices=Relationship.choices)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.MAN)
    age_range = models.CharField(_("age range"), max_length=10, choices=AgeRange.choices, default="unknown")
    schooling = models.CharField(
        _("schooling"), max_length=16, choices=Schooling.choices, default=Schooling.UNKNOWN
    )
    lives_with_her = models.CharField(
        _("lives with her"), max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    weapons_access = models.CharField(
        _("has access to weapons"), max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    substance_use = models.CharField(
        _("abuses alcohol or drugs"), max_length=8, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    violent_to_others = models.CharField(
        _("known violence towards others"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    organised_crime = models.CharField(
        _("links to organised crime (as she reports it)"),
        max_length=8,
        choices=YesNoUnknown.choices,
        default=YesNoUnknown.UNKNOWN,
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("aggressor")
        verbose_name_plural = _("aggressors")

    def __str__(self):
        return self.get_relationship_display()


class ViolenceIncident(models.Model):
    """An incident of violence (hecho de violencia) she reports: when, where, what types and modality.

    ``types`` holds codes of ViolenceType (an incident is often psychological and physical at once).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violence_incidents")
    occurred_on = models.DateField(_("when it happened"))
    date_precision = models.CharField(
        _("how exact the date is"), max_length=12, choices=DatePrecision.choices, default=DatePrecision.EXACT
    )
    neighborhood = models.ForeignKey(
        Neighborhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place_kind = models.CharField(_("kind of place"), max_length=16, choices=PlaceKind.choices)
    types = models.JSONField(_("types of violence"), default=list)
    modality = models.CharField(_("modality"), max_length=16, choices=ViolenceModality.choices)
    narrative = EncryptedTextField(_("what happened, in her words"))
    injuries = models.CharField(_("injuries"), max_length=10, choices=Injuries.choices, default=Injuries.NONE)
    reported_to_prosecutor = models.BooleanField(_("reported to the prosecutor's office"), default=False)
    reported_where = models.CharField(_("where it was reported"), max_length=150, blank=True)
    children_witnessed = models.BooleanField(_("children witnessed it"), default=False)
    children_victims = models.BooleanField(_("children suffered it too"), default=False)
    aggressors = models.ManyToManyField(
        Aggressor, verbose_name=_("aggressors"), blank=True, related_name="incidents"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        # For the statistics (bench/README.md): the incidents recorded in a period.
        indexes = [models.Index(fields=["recorded_at"], name="incident_recorded_at")]
        verbose_name = _("violence incident")
        verbose_name_plural = _("violence incidents")

    def type_labels(self) -> list[str]:
        labels = dict(ViolenceType.choices)
        return [str(labels.get(code, code)) for code in self.types]


class RiskInstrument(models.Model):
    """A risk-assessment instrument loaded as data (``violence/instruments/*.json``): items, weights, levels.

    ``items``: ``[{"code", "text", "weight", "group"}]``; ``levels``: ``[{"code", "label", "min", "max",
    "alarm"}]`` ordered from lowest to highest, where ``alarm`` levels (high, extreme) trigger action on the
    case. ``unknown_policy`` says what an unanswered item means: ``flag`` (scored as nothing, the assessment
    is marked incomplete and beyond ``max_unknown`` unknowns no level is computed) or ``count_as_yes`` (the
    conservative reading). ``weights_verified`` is False until someone checked the weights against the source.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    source = models.TextField(_("source"))
    validation = models.TextField(_("validation"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    weights_verified = models.BooleanField(_("weights verified against the source"), default=False)
    items = models.JSONField(default=list)
    levels = models.JSONField(default=list)
    unknown_policy = models.JSONField(default=dict)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("default"), default=False)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version")]
        verbose_name = _("risk instrument")
        verbose_name_plural = _("risk instruments")

    def __str__(self):
        return f"{self.name} ({self.version})"

    def level(self, code: str) -> dict | None:
        return next((level for level in self.levels if level["code"] == code), None)

    def level_label(self, code: str) -> str:
        level = self.level(code)
        return level["label"] if level else ""

    def is_alarm(self, code: str) -> bool:
        level = self.level(code)
        return bool(level and level.get("alarm"))

    @property
    def max_score(self) -> int:
        return sum(item["weight"] for item in self.items)


class RiskAssessment(models.Model):
    """One application of an instrument: every answer, the score, the computed level and her professional's
    final level (which may differ only with a written reason)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    instrument = models.ForeignKey(RiskInstrument, on_delete=models.PROTECT, related_name="assessments")
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(_("score"))
    max_possible = models.PositiveSmallIntegerField(_("highest possible score with the unknown answers"))
    unknown_count = models.PositiveSmallIntegerField(default=0)
    incomplete = models.BooleanField(_("incomplete"), default=False)
    computed_level = models.CharField(_("level from the score"), max_length=20, blank=True)
    final_level = models.CharField(_("final level"), max_length=20)
    override_reason = EncryptedTextField(_("reason for changing the level"), blank=True)
    notes = EncryptedTextField(_("professional judgement"), blank=True)
    is_alarm = models.BooleanField(default=False, db_index=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        # For the statistics (bench/README.md): a case's first or latest assessment.
        indexes = [models.Index(fields=["case", "assessed_at"], name="assessment_case_at")]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    @property
    def overridden(self) -> bool:
        return self.final_level != self.computed_level

    def final_label(self) -> str:
        return self.instrument.level_label(self.final_level)

    def computed_label(self) -> str:
        return self.instrument.level_label(self.computed_level)


class SafetyPlan(models.Model):
    """Her safety plan (plan de seguridad): one per case, kept up to date. All of it is encrypted."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="safety_plan")
    safe_places = EncryptedTextField(_("safe places she can go to"), blank=True)
    people_who_know = EncryptedTextField(_("people who know and can help"), blank=True)
    code_word = EncryptedTextField(_("code word with her support network"), blank=True)
    documents_ready = models.BooleanField(_("documents ready (ID, birth certificates, CURP)"), default=False)
    money_ready = models.BooleanField(_("money and keys put aside"), default=False)
    documents_notes = EncryptedTextField(_("where documents, money and keys are"), blank=True)
    how_to_leave = EncryptedTextField(_("how to leave safely"), blank=True)
    children_plan = EncryptedTextField(_("plan for her children"), blank=True)
    digital_safety = EncryptedTextField(_("digital safety (phone, accounts, location)"), blank=True)
    other = EncryptedTextField(_("other agreements"), blank=True)
    # When to go over it with her again; whoever set the date is reminded that morning.
    review_on = models.DateField(_("review on"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")


class ProtectionOrder(models.Model):
    """A protection order (orden de protección): administrative (Ministerio Público) or judicial.

    It lasts up to 60 days from the grant and can be extended by up to 30 more; the lawyers on the case are
    reminded before it expires.
    """

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Administrative (public prosecutor)")
        JUDICIAL = "judicial", _("Judicial")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        DENIED = "denied", _("Denied")
        REVOKED = "revoked", _("Revoked or withdrawn")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="protection_orders")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    authority = models.CharField(_("authority"), max_length=150)
    measures = EncryptedTextField(_("measures granted"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_on = models.DateField(_("requested on"))
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["status", "expires_on"], name="order_expiry_idx")]
        verbose_name = _("protection order")
        verbose_name_plural = _("protection orders")

    @property
    def effective_expiry(self) -> date | None:
        return self.extended_until or self.expires_on

    def days_left(self, today: date | None = None) -> int | None:
        if self.effective_expiry is None:
            return None
        return (self.effective_expiry - (today or timezone.localdate())).days

    @property
    def is_in_force(self) -> bool:
        left = self.days_left()
        return self.status == self.Status.GRANTED and left is not None and left >= 0


class TraffickingIndicator(models.TextChoices):
    """A short checklist of trafficking (trata) risk factors from the institute's training; any flag asks for a
    specialised referral."""

    DOCUMENTS_HELD = "documents_held", _("Someone else keeps her identity documents")
    DEBT = "debt", _("She owes a debt she cannot pay to whoever gives her work or lodging")
    NOT_FREE_TO_LEAVE = "not_free_to_leave", _("She cannot leave her work or home freely")
    DECEIVED_JOB = "deceived_job", _("She was recruited with a job offer that turned out to be different")
    SEXUAL_EXPLOITATION = "sexual_exploitation", _("She is made to perform sexual acts for others' profit")
    CONTROLLED_PAY = "controlled_pay", _("Someone else takes her pay or controls her money")
    MOVED = "moved", _("She was moved from another town or country by whoever controls her")
    MINOR_INVOLVED = "minor_involved", _("A minor in her care is being exploited")


class TraffickingScreening(models.Model):
    """A short screening for trafficking indicators. Any indicator flags the case for specialised referral."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="trafficking_screenings")
    indicators = models.JSONField(default=list)
    flagged = models.BooleanField(default=False, db_index=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-screened_at", "-id"]
        verbose_name = _("trafficking screening")
        verbose_name_plural = _("trafficking screenings")


class PriorityChange(models.Model):
    """A change of the case's priority flag: marked by a high or extreme assessment or by hand, or lifted.

    The written reason stays here, encrypted (the timeline line says only what happened).
    """

    class Action(models.TextChoices):
        MARKED = "marked", _("Marked as priority")
        LIFTED = "lifted", _("Priority lifted")

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("Risk assessment")
        JUDGEMENT = "judgement", _("Professional judgement")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="priority_changes")
    action = models.CharField(_("change"), max_length=8, choices=Action.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    assessment = models.ForeignKey(
        RiskAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = EncryptedTextField(_("reason"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        # For the statistics (bench/README.md): a case's latest priority change.
        indexes = [models.Index(fields=["case", "changed_at"], name="priority_change_case_at")]
        verbose_name = _("priority change")
        verbose_name_plural = _("priority changes")


class FollowUpRule(models.Model):
    """How many days an active case may go without a consultation before its team is told to follow her up
    ("Mis pendientes"), per risk level: the level code of the risk instruments (``high``, ``moderate``,
    ``low``) or ``none`` for a case never assessed. A priority case counts as ``high``. Data the director edits
    (``violence.followups``); seeded with 7, 15, 30 and 30 days.
    """

    NO_ASSESSMENT = "none"

    level = models.CharField(_("risk level"), max_length=20, unique=True)
    label = models.CharField(_("name"), max_length=60)
    days = models.PositiveSmallIntegerField(
        _("days without a consultation"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    position = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")

    def __str__(self):
        return f"{self.label}: {self.days}"


class FollowUpState(models.Model):
    """What a case's follow-up goes by, kept beside it so "Mis pendientes" reads an index range instead of
    probing every active case for its last consultation and its last assessment (a coordinator's area holds
    tens of thousands at a state's scale).

    One row per active case (none for a closed one). Facts only, never the rules: the day (the institute's) of
    her last contact — her last consultation, else the
    case's opening — and the level her follow-up goes by: ``high`` for a priority case or one whose last
    assessment is an alarm, else that assessment's final level, ``none`` if never assessed. The director's rule
    table turns them into a due day when the list is read, so editing a rule rewrites nothing.

    Derived: ``violence.followups.refresh`` rewrites a case's row whenever one of its consultations, its
    assessments or the case itself is saved or deleted (signals, ``ViolenceConfig.ready``); writers that go around
    ``save()`` (the import's bulk inserts, the benchmarks' generator) call it themselves, and
    ``manage.py followups_rebuild`` rebuilds every row and says how many were wrong.
    """

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, primary_key=True, related_name="follow_up_state"
    )
    last_contact_on = models.DateField(_("last contact"))
    level = models.CharField(_("risk level"), max_length=20)

    class Meta:
        verbose_name = _("follow-up state")
        verbose_name_plural = _("follow-up states")
        # Per level, the cases whose last contact is older than the level's days: a range, oldest first.
        indexes = [models.Index(fields=["level", "last_contact_on"], name="followup_level_contact")]

    def __str__(self):
        return f"{self.case_id}: {self.level} {self.last_contact_on}"
