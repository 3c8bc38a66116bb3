"""What a column of the spreadsheet may be, and the map the app proposes from the headers.

Headers are matched without accents, case or punctuation ("Nombre(s)", "NOMBRE", "nombres" are one), against
the ways the institute's spreadsheets have named each column. The user confirms or corrects the proposal.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from violeta.core.text import strip_accents


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


FIELDS = (
    Field("given_names", _("Given name(s)"), ("nombre", "nombres", "nombre s", "nombre de pila"), True),
    Field(
        "first_surname",
        _("First surname"),
        ("primer apellido", "apellido paterno", "paterno", "apellido 1", "apellido"),
        True,
    ),
    Field(
        "second_surname",
        _("Second surname"),
        ("segundo apellido", "apellido materno", "materno", "apellido 2"),
    ),
    Field("curp", _("CURP"), ("curp",)),
    Field(
        "birth_date",
        _("Date of birth"),
        ("fecha de nacimiento", "nacimiento", "f nacimiento", "fecha nac", "fecha de nac"),
    ),
    Field(
        "phone",
        _("Phone"),
        ("telefono", "tel", "celular", "telefono celular", "numero de telefono", "telefono de contacto"),
    ),
    Field("neighborhood", _("Neighborhood"), ("colonia", "col", "asentamiento", "colonia o fraccionamiento")),
    Field("postal_code", _("Postal code"), ("codigo postal", "cp", "c p")),
    Field(
        "folio",
        _("Folio"),
        (
            "folio",
            "expediente",
            "folio del expediente",
            "no de expediente",
            "numero de expediente",
            "num expediente",
        ),
    ),
    Field(
        "reason",
        _("Reason for the visit"),
        ("motivo", "motivo de la atencion", "motivo de consulta", "motivo de la visita"),
    ),
    Field("case_status", _("Case file status"), ("estado", "estatus", "estado del expediente", "situacion")),
    Field(
        "consulted_on",
        _("Date of the consultation"),
        ("fecha de atencion", "fecha", "fecha de consulta", "fecha de la atencion"),
    ),
    Field("area", _("Area"), ("area", "area de atencion")),
    Field("modality", _("Modality"), ("modalidad", "tipo de atencion", "forma de atencion")),
    Field("duration", _("Duration (minutes)"), ("duracion", "duracion minutos", "minutos", "duracion min")),
    Field(
        "summary",
        _("Summary"),
        ("resumen", "observaciones", "notas", "descripcion", "resumen de la atencion"),
    ),
)
BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = tuple(f.key for f in FIELDS if f.required)
CONSULTATION_KEYS = ("consulted_on", "area", "modality", "duration", "summary")
_NON_WORD = re.compile(r"[^a-z0-9ñ]+")


def fold(text) -> str:
    """``"Teléfono (celular)"`` → ``"telefono celular"``: what two ways of writing a header share."""
    return " ".join(_NON_WORD.sub(" ", strip_accents(str(text or "")).lower()).split())


_ALIASES = {alias: f.key for f in FIELDS for alias in f.aliases}


def propose_mapping(headers: list[str]) -> dict[str, str]:
    """``{column index: field key}`` for the headers that name a field; each field taken once, first come."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = _ALIASES.get(fold(header))
        if key and key not in taken:
            mapping[str(index)] = key
            taken.add(key)
    return mapping


def label_of(key: str) -> str:
    return str(BY_KEY[key].label)
