"""The BANAVIM export: case by case, pseudonymised (issue 18, item 5).

BANAVIM (Banco Nacional de Datos e Información sobre Casos de Violencia contra las Mujeres) receives one row per
case and incident of violence: her profile, the aggressor's, the types and modality, the protection orders and
the services she was given. docs/reports.md ("BANAVIM") maps every column to its source and its values.

**Pseudonyms.** No name, CURP, phone, address, folio or database id leaves: each woman, case and incident is a
keyed hash (HMAC-SHA256 with ``settings.REPORTS_PSEUDONYM_KEY``, a secret of its own, never ``SECRET_KEY``) of
its record, so the same woman links across exports and nobody without the key can go back from the hash to
her. Without the key the export is refused (``ValidationError``, in Spanish).

**Who is in it.** Only incidents recorded in the period, of cases whose holder's latest statistics consent is
granted (``Rule.STATISTICS``, as every figure that leaves the institute) and whose data she has not asked to
cancel; the colonia and age group filters apply to her, the area and program filters do not.

**Memory.** The rows are generated as they are written: incidents are read with ``.iterator(chunk_size=…)``, and
what each chunk needs from other tables (aggressors, consultations, orders, risk, safety plans) is fetched once
per chunk, keyed by case, so 300,000 cases never sit in memory together.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import Area
from violeta.cases.models import ArrivalChannel, CaseStatus, Consultation
from violeta.people.models import Gender, Schooling
from violeta.programs.models import AgeGroup
from violeta.reports.indicators.base import AGE_BOUNDS, Filters, Rule, case_q
from violeta.violence.models import (
    Aggressor,
    DatePrecision,
    Injuries,
    PlaceKind,
    ProtectionOrder,
    RiskAssessment,
    SafetyPlan,
    ViolenceIncident,
    ViolenceModality,
    ViolenceType,
    YesNoUnknown,
)

CHUNK = 500
SLUG = "banavim"
# The filters BANAVIM applies (the others are named in the audit and ignored).
FILTERS = ("period", "neighborhood", "age_group")

# The fixed columns, in order; then one ``atenciones_<area code>`` column per area (docs/reports.md).
COLUMNS = (
    "id_mujer",
    "id_caso",
    "id_hecho",
    "caso_mes_apertura",
    "caso_via_llegada",
    "caso_estado",
    "victima_grupo_edad",
    "victima_identidad_genero",
    "victima_escolaridad",
    "victima_colonia",
    "victima_codigo_postal",
    "victima_municipio",
    "victima_indigena",
    "victima_lengua_indigena",
    "victima_discapacidad",
    "hecho_fecha",
    "hecho_precision_fecha",
    "hecho_lugar",
    "hecho_colonia",
    "hecho_tipos",
    "hecho_modalidad",
    "hecho_lesiones",
    "hecho_denunciado",
    "hecho_ninas_ninos_testigos",
    "hecho_ninas_ninos_victimas",
    "agresores_numero",
    "agresor_sexo",
    "agresor_edad",
    "agresor_escolaridad",
    "agresor_relacion",
    "agresor_vive_con_ella",
    "agresor_acceso_armas",
    "agresor_alcohol_drogas",
    "agresor_violento_con_otros",
    "agresor_delincuencia_organizada",
    "riesgo_nivel",
    "plan_seguridad",
    "ordenes_solicitadas",
    "ordenes_otorgadas",
    "atenciones_total",
)


# --- Pseudonyms ----------------------------------------------------------------------------------------------


def pseudonym_key() -> bytes:
    """The export's key, or a ``ValidationError`` saying in Spanish why there is none."""
    key = getattr(settings, "REPORTS_PSEUDONYM_KEY", "") or ""
    if not key:
        raise ValidationError(
            _(
                "The BANAVIM export is not configured: the pseudonym key (REPORTS_PSEUDONYM_KEY) is missing. "
                "Ask the system administrator to set it; without it no case-level data can leave."
            ),
            code="pseudonym_key",
        )
    if key == settings.SECRET_KEY:
        raise ValidationError(
            _(
                "The BANAVIM export is not configured: its pseudonym key must be its own secret, not the "
                "application's secret key. Ask the system administrator to change it."
            ),
            code="pseudonym_key",
        )
    return key.encode()


def pseudonym(key: bytes, kind: str, pk: int) -> str:
    """The keyed hash of one record (``kind`` is ``person``, ``case`` or ``incident``): 64 hexadecimal
    characters, the same for the same record and key in every export."""
    return hmac.new(key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()


# --- Which incidents -----------------------------------------------------------------------------------------


def incidents(filters: Filters):
    """The incidents recorded in the period, of cases whose holder consented to statistical use and has not
    asked to cancel her data, filtered by her colonia and age group."""
    since, until = filters.bounds()
    return (
        ViolenceIncident.objects.filter(recorded_at__gte=since, recorded_at__lt=until)
        .filter(case_q(filters, Rule.STATISTICS, "case__"))
        .filter(case__holder__blocked_at__isnull=True)
        .select_related("case", "case__holder", "case__holder__neighborhood", "neighborhood")
        .only(
            "pk",
            "occurred_on",
            "date_precision",
            "place_kind",
            "types",
            "modality",
            "injuries",
            "reported_to_prosecutor",
            "children_witnessed",
            "children_victims",
            "neighborhood__name",
            "case__id",
            "case__opened_at",
            "case__arrival_channel",
            "case__status",
            "case__holder__id",
            "case__holder__birth_date",
            "case__holder__approximate_age",
            "case__holder__age_recorded_on",
            "case__holder__gender",
            "case__holder__schooling",
            "case__holder__postal_code",
            "case__holder__indigenous_people",
            "case__holder__indigenous_language",
            "case__holder__disability",
            "case__holder__neighborhood__name",
            "case__holder__neighborhood__postal_code",
            "case__holder__neighborhood__municipality",
        )
        .order_by("case_id", "occurred_on", "pk")
    )


def ignored(filters: Filters) -> tuple[str, ...]:
    return tuple(name for name in filters.chosen() if name not in FILTERS)


# --- Rows ----------------------------------------------------------------------------------------------------


def header(areas: list[Area]) -> list[str]:
    return [*COLUMNS, *(f"atenciones_{area.code.replace('-', '_')}" for area in areas)]


def rows(filters: Filters) -> Iterator[list]:
    """The header, then one row per incident. Raises ``ValidationError`` before the first row without a key."""
    key = pseudonym_key()
    areas = list(Area.objects.order_by("name"))
    _since, until = filters.bounds()
    yield header(areas)
    for chunk in _chunks(incidents(filters).iterator(chunk_size=CHUNK), CHUNK):
        context = _Context.load(chunk, until)
        for incident in chunk:
            yield _row(incident, key, areas, context)


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class _Context:
    """What a chunk of incidents needs from other tables, fetched once per chunk."""

    @classmethod
    def load(cls, chunk: list[ViolenceIncident], until) -> _Context:
        self = cls()
        case_ids = {incident.case_id for incident in chunk}
        through = ViolenceIncident.aggressors.through.objects.filter(
            violenceincident_id__in=[incident.pk for incident in chunk]
        ).values_list("violenceincident_id", "aggressor_id")
        by_incident = defaultdict(list)
        for incident_id, aggressor_id in through:
            by_incident[incident_id].append(aggressor_id)
        aggressors = Aggressor.objects.filter(
            pk__in={pk for ids in by_incident.values() for pk in ids}
        ).defer("alias")
        by_pk = {aggressor.pk: aggressor for aggressor in aggressors}
        self.aggressors = {
            incident_id: sorted((by_pk[pk] for pk in ids), key=lambda a: (a.recorded_at, a.pk))
            for incident_id, ids in by_incident.items()
        }
        self.consultations = defaultdict(Counter)
        counted = (
            Consultation.objects.filter(case_id__in=case_ids, started_at__lt=until)
            .values("case_id", "area_id")
            .annotate(n=Count("pk"))
        )
        for row in counted:
            self.consultations[row["case_id"]][row["area_id"]] = row["n"]
        self.orders = defaultdict(Counter)
        orders = ProtectionOrder.objects.filter(case_id__in=case_ids, recorded_at__lt=until).values_list(
            "case_id", "status", "granted_on"
        )
        for case_id, status, granted_on in orders:
            self.orders[case_id]["requested"] += 1
            if granted_on is not None or status == ProtectionOrder.Status.GRANTED:
                self.orders[case_id]["granted"] += 1
        self.risk = {}
        assessments = (
            RiskAssessment.objects.filter(case_id__in=case_ids, assessed_at__lt=until)
            .select_related("instrument")
            .only("case_id", "final_level", "assessed_at", "instrument__levels")
            .order_by("case_id", "-assessed_at", "-pk")
        )
        for assessment in assessments:
            self.risk.setdefault(assessment.case_id, assessment.final_label())
        self.safety_plans = set(
            SafetyPlan.objects.filter(case_id__in=case_ids, created_at__lt=until).values_list(
                "case_id", flat=True
            )
        )
        return self


def _row(incident: ViolenceIncident, key: bytes, areas: list[Area], context: _Context) -> list:
    case, her = incident.case, incident.case.holder
    hood = her.neighborhood
    aggressors = context.aggressors.get(incident.pk, [])
    first = aggressors[0] if aggressors else None
    services = context.consultations[case.pk]
    orders = context.orders[case.pk]
    return [
        pseudonym(key, "person", her.pk),
        pseudonym(key, "case", case.pk),
        pseudonym(key, "incident", incident.pk),
        f"{timezone.localtime(case.opened_at):%Y-%m}",
        _label(ArrivalChannel, case.arrival_channel),
        _label(CaseStatus, case.status),
        _age_group(her.age(incident.occurred_on)),
        _label(Gender, her.gender),
        _label(Schooling, her.schooling),
        hood.name if hood else "",
        hood.postal_code if hood else her.postal_code,
        hood.municipality if hood else "",
        _yes_no(bool(her.indigenous_people)),
        _yes_no(bool(her.indigenous_language)),
        _yes_no(bool(her.disability)),
        incident.occurred_on,
        _label(DatePrecision, incident.date_precision),
        _label(PlaceKind, incident.place_kind),
        incident.neighborhood.name if incident.neighborhood else "",
        "; ".join(_label(ViolenceType, code) for code in incident.types),
        _label(ViolenceModality, incident.modality),
        _label(Injuries, incident.injuries),
        _yes_no(incident.reported_to_prosecutor),
        _yes_no(incident.children_witnessed),
        _yes_no(incident.children_victims),
        len(aggressors),
        _label(Aggressor.Sex, first.sex) if first else "",
        _label(Aggressor.AgeRange, first.age_range) if first else "",
        _label(Schooling, first.schooling) if first else "",
        _label(Aggressor.Relationship, first.relationship) if first else "",
        _label(YesNoUnknown, first.lives_with_her) if first else "",
        _label(YesNoUnknown, first.weapons_access) if first else "",
        _label(YesNoUnknown, first.substance_use) if first else "",
        _label(YesNoUnknown, first.violent_to_others) if first else "",
        _label(YesNoUnknown, first.organised_crime) if first else "",
        context.risk.get(case.pk, ""),
        _yes_no(case.pk in context.safety_plans),
        orders["requested"],
        orders["granted"],
        sum(services.values()),
        *(services[area.pk] for area in areas),
    ]


def _label(choices, code: str) -> str:
    return str(dict(choices.choices).get(code, code)) if code else ""


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _age_group(age: int | None) -> str:
    if age is None:
        return _("Not known")
    labels = dict(AgeGroup.choices)
    for group, (low, high) in AGE_BOUNDS.items():
        if age >= low and (high is None or age <= high):
            return str(labels[group])
    return _("Not known")


def notes() -> list[tuple[str, str]]:
    """What the file says about itself, beside the filters (the XLSX's second sheet)."""
    return [
        (_("Rule"), str(Rule.STATISTICS.label)),
        (
            _("Pseudonyms"),
            _(
                "id_mujer, id_caso and id_hecho are keyed hashes: the same woman, case or incident has the same "
                "one in every export, and nobody can read her identity from them."
            ),
        ),
        (_("Field map"), _("Each column, its source and its values: docs/reports.md, section BANAVIM.")),
    ]


def filename(filters: Filters, extension: str) -> str:
    """No personal data: what, the period, the format."""
    return f"violeta-banavim-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.{extension}"
