"""Every row of the spreadsheet checked with the parsers the forms use, and the rows grouped into women and
case files.

Each cell is parsed once into a proper value (``core.validators``: CURP, phones, dates against sense; colonias
from the catalogue in ``people``; areas and modalities as the case file knows them). What is wrong is said in
Spanish, with the row and the column as the user wrote it: "Fila 12, columna «CURP»: …".

Rows are grouped: rows with the same folio are one case file of one woman (its consultations); rows without a
folio are grouped by her CURP, or by her name and birth date. A woman may have several case files in the file,
of which at most one may be open (``cases.services.case_open``: one open case file per woman).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from violeta.accounts.models import Area
from violeta.cases.models import Modality
from violeta.core.text import normalize_name
from violeta.core.validators import parse_curp, parse_phone, validate_birth_date, validate_not_future
from violeta.dataimport.fields import CONSULTATION_KEYS, REQUIRED, fold, label_of
from violeta.people.models import Neighborhood

MAX_TEXT = {"given_names": 100, "first_surname": 80, "second_surname": 80, "reason": 2000, "summary": 4000}
MAX_FOLIO = 60
MAX_DURATION = 600
DEFAULT_DURATION = 60
CLOSED_WORDS = {"cerrado", "cerrada", "concluido", "concluida", "baja", "closed", "terminado", "archivado"}
OPEN_WORDS = {"abierto", "abierta", "activo", "activa", "en seguimiento", "seguimiento", "vigente", "open"}
MODALITY_WORDS = {
    "presencial": Modality.IN_PERSON,
    "en persona": Modality.IN_PERSON,
    "telefonica": Modality.PHONE,
    "telefono": Modality.PHONE,
    "por telefono": Modality.PHONE,
    "videollamada": Modality.VIDEO,
    "en linea": Modality.VIDEO,
    "virtual": Modality.VIDEO,
    "en su trabajo": Modality.COMPANY,
    "empresa": Modality.COMPANY,
    "en la empresa": Modality.COMPANY,
}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


@dataclass
class Row:
    """One data row: its number as the spreadsheet numbers it, its parsed values and what is wrong with it."""

    number: int
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    person_key: str = ""
    case_key: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def name(self) -> str:
        v = self.values
        return " ".join(
            p for p in (v.get("given_names"), v.get("first_surname"), v.get("second_surname")) if p
        )


def message(row: int, column: str, text: str) -> str:
    return _("Row %(row)s, column «%(column)s»: %(message)s") % {
        "row": row,
        "column": column,
        "message": text,
    }


def parse_date(value) -> date:
    """A date as people in Mexico write it (23/11/1985, 23-11-1985), as ISO (1985-11-23) or an Excel date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _DAY_FIRST.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (match := _YEAR_FIRST.match(text)):
        parts = match.groups()
    if parts is not None:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise ValidationError(
        _("“%(value)s” is not a date. Write it as day/month/year, for example 23/11/1985.") % {"value": text},
        code="date_format",
    )


class Catalogues:
    """The colonias, areas and modalities rows are matched against, read once per check of a file."""

    def __init__(self):
        self.hoods: dict[str, list[Neighborhood]] = defaultdict(list)
        for hood in Neighborhood.objects.all():
            self.hoods[fold(hood.name)].append(hood)
        self.areas: dict[str, Area] = {}
        for area in Area.objects.all():
            self.areas[fold(area.name)] = area
            self.areas[fold(area.code)] = area
        with translation.override(settings.LANGUAGE_CODE):
            self.modalities = {fold(label): value for value, label in Modality.choices}
        self.modalities |= {fold(value): value for value in Modality.values} | MODALITY_WORDS
        self.area_names = ", ".join(sorted({a.name for a in self.areas.values()}))
        with translation.override(settings.LANGUAGE_CODE):
            self.modality_names = ", ".join(str(label) for _v, label in Modality.choices)

    def neighborhood(self, name: str, postal_code: str) -> Neighborhood:
        found = self.hoods.get(fold(name), [])
        if postal_code:
            found = [h for h in found if h.postal_code == postal_code] or found
        if not found:
            raise ValidationError(
                _("There is no colonia “%(value)s” in the municipality's catalogue. Check how it is written.")
                % {"value": name},
                code="neighborhood_unknown",
            )
        if len(found) > 1:
            raise ValidationError(
                _("There are %(n)s colonias called “%(value)s”: add the postal code column to tell which.")
                % {"n": len(found), "value": name},
                code="neighborhood_ambiguous",
            )
        return found[0]


def _parse_cells(number: int, cells: list, columns: dict[str, tuple[int, str]], cat: Catalogues) -> Row:
    row = Row(number=number)

    def raw(key):
        if key not in columns:
            return ""
        index = columns[key][0]
        value = cells[index] if index < len(cells) else ""
        return value if isinstance(value, date) else str(value or "").strip()

    def fail(key, text):
        row.errors.append(message(number, columns[key][1] if key in columns else label_of(key), text))

    def parse(key, parser):
        value = raw(key)
        if value in ("", None):
            return None
        try:
            return parser(value)
        except ValidationError as exc:
            for text in exc.messages:
                fail(key, text)
            return None

    values = row.values
    for key, limit in MAX_TEXT.items():
        text = " ".join(str(raw(key)).split())
        if len(text) > limit:
            fail(key, _("the text is longer than %(n)s characters.") % {"n": limit})
            text = text[:limit]
        values[key] = text
    for key in REQUIRED:
        if not values[key]:
            fail(key, _("this column is required and the cell is empty."))
    values["curp"] = parse("curp", parse_curp)

    def birth(value):
        day = parse_date(value)
        validate_birth_date(day)
        return day

    values["birth_date"] = parse("birth_date", birth)
    values["phone"] = parse("phone", parse_phone) or ""
    postal_code = str(raw("postal_code"))
    if postal_code and not re.fullmatch(r"\d{5}", postal_code):
        fail("postal_code", _("The postal code has 5 digits."))
        postal_code = ""
    hood = parse("neighborhood", lambda name: cat.neighborhood(name, postal_code))
    if hood and postal_code and hood.postal_code != postal_code:
        fail(
            "postal_code",
            _("The postal code of %(colonia)s is %(cp)s.") % {"colonia": hood.name, "cp": hood.postal_code},
        )
    values["neighborhood_id"] = hood.pk if hood else None
    values["postal_code"] = postal_code or (hood.postal_code if hood else "")
    folio = str(raw("folio"))
    if len(folio) > MAX_FOLIO:
        fail("folio", _("the text is longer than %(n)s characters.") % {"n": MAX_FOLIO})
    values["folio"] = folio[:MAX_FOLIO]
    status = fold(raw("case_status"))
    values["closed"] = status in CLOSED_WORDS
    if status and status not in CLOSED_WORDS | OPEN_WORDS:
        fail("case_status", _("write “Abierto”, “En seguimiento” or “Cerrado”."))
    _parse_consultation(row, raw, fail, parse, cat)
    return row


def _parse_consultation(row: Row, raw, fail, parse, cat: Catalogues) -> None:
    values = row.values
    if not any(raw(key) for key in CONSULTATION_KEYS):
        values["consulted_at"] = None
        return

    def when(value):
        if isinstance(value, datetime):
            moment = timezone.make_aware(value) if timezone.is_naive(value) else value
        else:
            moment = timezone.make_aware(datetime.combine(parse_date(value), time(12, 0)))
        validate_not_future(moment.date() if not isinstance(value, datetime) else moment)
        return moment

    values["consulted_at"] = parse("consulted_on", when)
    if not raw("consulted_on"):
        fail("consulted_on", _("a consultation needs its date."))
    area = fold(raw("area"))
    values["area_id"] = cat.areas[area].pk if area in cat.areas else None
    if not area:
        fail("area", _("a consultation needs its area (%(areas)s).") % {"areas": cat.area_names})
    elif values["area_id"] is None:
        fail(
            "area",
            _("there is no area “%(value)s”; use one of: %(areas)s.")
            % {"value": raw("area"), "areas": cat.area_names},
        )
    modality = fold(raw("modality"))
    values["modality"] = cat.modalities.get(modality, Modality.IN_PERSON if not modality else None)
    if values["modality"] is None:
        fail(
            "modality",
            _("there is no modality “%(value)s”; use one of: %(modalities)s.")
            % {"value": raw("modality"), "modalities": cat.modality_names},
        )

    def minutes(value):
        try:
            number = int(float(str(value).replace(",", ".")))
        except ValueError:
            number = 0
        if not 0 < number <= MAX_DURATION:
            raise ValidationError(
                _("the duration is a whole number of minutes between 1 and %(max)s.") % {"max": MAX_DURATION}
            )
        return number

    values["duration"] = parse("duration", minutes) or DEFAULT_DURATION
    values["summary"] = values["summary"] or _("Consultation imported from the institute's earlier records.")


def _columns(headers: list[str], mapping: dict[str, str]) -> dict[str, tuple[int, str]]:
    """``{field key: (column index, the header as written)}``."""
    return {
        key: (int(index), headers[int(index)] if int(index) < len(headers) else "")
        for index, key in mapping.items()
    }


def _group(rows: list[Row], columns: dict[str, tuple[int, str]]) -> None:
    """Give each row its woman and case file, and say where rows contradict each other."""

    def column(key: str) -> str:
        return columns[key][1] if key in columns else label_of(key)

    by_folio: dict[str, Row] = {}
    by_curp: dict[str, Row] = {}
    for row in rows:
        v = row.values
        name = normalize_name(f"{v['given_names']} {v['first_surname']} {v['second_surname']}")
        v["name_key"] = name
        # A row whose name is missing already says so: it is not compared with the others.
        named = bool(v["given_names"] and v["first_surname"])
        if v["curp"]:
            first = by_curp.setdefault(v["curp"], row)
            if first is not row and named and _named(first) and first.values["name_key"] != name:
                row.errors.append(
                    message(
                        row.number,
                        column("curp"),
                        _("the same CURP is in row %(row)s with another name.") % {"row": first.number},
                    )
                )
        if v["folio"]:
            first = by_folio.setdefault(v["folio"], row)
            if first is not row and (
                (named and _named(first) and first.values["name_key"] != name)
                or (v["curp"] and first.values["curp"] and v["curp"] != first.values["curp"])
            ):
                row.errors.append(
                    message(
                        row.number,
                        column("folio"),
                        _("the folio %(folio)s is in row %(row)s with another woman.")
                        % {"folio": v["folio"], "row": first.number},
                    )
                )
            row.person_key = first.person_key or _person_key(first)
            row.case_key = f"folio:{v['folio']}"
        else:
            row.person_key = _person_key(row)
            row.case_key = f"person:{row.person_key}"
    # One open case file per woman: among her case files in the file, at most one open.
    open_case: dict[str, Row] = {}
    first_of_case: dict[str, Row] = {}
    for row in rows:
        first = first_of_case.setdefault(row.case_key, row)
        if first is not row or row.values["closed"]:
            continue
        earlier = open_case.setdefault(row.person_key, row)
        if earlier is not row:
            row.errors.append(
                message(
                    row.number,
                    column("case_status"),
                    _(
                        "she has another open case file in row %(row)s; only one may be open: mark the earlier one as “Cerrado”."
                    )
                    % {"row": earlier.number},
                )
            )


def _named(row: Row) -> bool:
    return bool(row.values["given_names"] and row.values["first_surname"])


def _person_key(row: Row) -> str:
    v = row.values
    if v["curp"]:
        return f"curp:{v['curp']}"
    return f"name:{v['name_key']}|{v['birth_date'] or ''}"


def check_rows(headers: list[str], table: list[tuple[int, list]], mapping: dict[str, str]) -> list[Row]:
    """Every row parsed and checked, grouped into women and case files (see the module's docstring)."""
    cat = Catalogues()
    columns = _columns(headers, mapping)
    rows = [_parse_cells(number, cells, columns, cat) for number, cells in table]
    _group(rows, columns)
    return rows


def column_name(headers: list[str], mapping: dict[str, str], key: str) -> str:
    """The header of the column that holds ``key``, as the file writes it (the field's name if none does)."""
    return _columns(headers, mapping).get(key, (0, label_of(key)))[1]


def mapping_errors(mapping: dict[str, str]) -> list[str]:
    """What a column map lacks or repeats, in Spanish."""
    errors = []
    keys = list(mapping.values())
    for key in REQUIRED:
        if key not in keys:
            errors.append(_("Choose the column that holds «%(field)s».") % {"field": label_of(key)})
    for key in sorted(set(keys)):
        if keys.count(key) > 1:
            errors.append(_("Only one column may hold «%(field)s».") % {"field": label_of(key)})
    return errors
