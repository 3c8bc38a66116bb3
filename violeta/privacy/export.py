"""Everything Violeta holds about one woman, found generically, for her access export and her erasure.

``discover()`` walks every installed model (``apps.get_models()``) and finds the chains of foreign keys that lead
from it to her (``people.Person``), to a case she holds (``cases.Case``) or to a card application with her
CURP (``card.CardApplication``, which has no link to her record). Every model found is exported; the test
``test_every_model_that_points_at_her_is_classified`` fails when a new model is found that is not named in
SECTIONS (with a title for her summary) or EXCLUDED (with the reason), so nobody adds a model that holds her
data without deciding what her export and her erasure do with it.

The values come decrypted (``EncryptedTextField`` decrypts on load); secrets that are not hers to read (hashes
of PINs and tokens, unguessable tokens) are left out.
"""

import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_DEPTH = 4
ROOT_LABELS = ("people.person", "cases.case", "card.cardapplication")

# Each model that holds her data, with the title of its section in her summary.
SECTIONS = {
    "people.person": gettext_lazy("Her registration data"),
    "people.safecontactpreference": gettext_lazy("How and when it is safe to contact her"),
    "people.consent": gettext_lazy("Consents"),
    "people.privacynoticeacceptance": gettext_lazy("Privacy notices she accepted"),
    "cases.case": gettext_lazy("Case files"),
    "cases.caseparty": gettext_lazy("People in the case files"),
    "cases.caseteammember": gettext_lazy("Staff who attend her"),
    "cases.consultation": gettext_lazy("Consultations"),
    "cases.areanote": gettext_lazy("Area notes"),
    "cases.caseevent": gettext_lazy("Case timeline"),
    "cases.caseaccessgrant": gettext_lazy("Emergency accesses to her case files"),
    "cases.customfieldvalue": gettext_lazy("Additional details of her case files"),
    "cases.caseplan": gettext_lazy("Case plans"),
    "cases.plangoal": gettext_lazy("Goals of the case plans"),
    "cases.planservice": gettext_lazy("Services of the case plans"),
    "cases.planrevision": gettext_lazy("History of the case plans"),
    "cases.approvalrequest": gettext_lazy("Approval requests of her case files"),
    "violence.aggressor": gettext_lazy("Aggressors"),
    "violence.violenceincident": gettext_lazy("Violence incidents"),
    "violence.riskassessment": gettext_lazy("Risk assessments"),
    "violence.safetyplan": gettext_lazy("Safety plans"),
    "violence.protectionorder": gettext_lazy("Protection orders"),
    "violence.traffickingscreening": gettext_lazy("Trafficking screenings"),
    "violence.prioritychange": gettext_lazy("Priority changes"),
    "legal.legalmatter": gettext_lazy("Legal matters"),
    "legal.matterstagechange": gettext_lazy("Stages of the legal matters"),
    "legal.hearing": gettext_lazy("Hearings and deadlines"),
    "psychology.treatmentplan": gettext_lazy("Treatment plans"),
    "psychology.treatmentgoal": gettext_lazy("Treatment goals"),
    "psychology.therapysession": gettext_lazy("Therapy sessions"),
    "psychology.scaleresult": gettext_lazy("Scales applied"),
    "socialwork.needsassessment": gettext_lazy("Needs assessments"),
    "socialwork.needitem": gettext_lazy("Needs"),
    "socialwork.application": gettext_lazy("Applications on her behalf"),
    "socialwork.orientation": gettext_lazy("Orientations"),
    "documents.document": gettext_lazy("Documents"),
    "documents.custodyentry": gettext_lazy("Chain of custody of the documents and evidence"),
    "agenda.appointment": gettext_lazy("Appointments"),
    "agenda.phonecall": gettext_lazy("Phone calls"),
    "agenda.callbackrequest": gettext_lazy("Her requests to be called back, from the public site"),
    "referrals.referral": gettext_lazy("Referrals to other institutions"),
    "referrals.referralevent": gettext_lazy("Steps of the referrals"),
    "referrals.inboundreferral": gettext_lazy("Referrals received from other institutions"),
    "card.cardapplication": gettext_lazy("Card applications"),
    "card.applicationdocument": gettext_lazy("Documents of the card applications"),
    "card.applicationevent": gettext_lazy("Steps of the card applications"),
    "card.card": gettext_lazy("Cards"),
    "card.carduse": gettext_lazy("Card validations"),
    "alerts.miaaccount": gettext_lazy("MIA app account"),
    "alerts.miadevice": gettext_lazy("MIA app devices"),
    "alerts.emergencycontact": gettext_lazy("MIA emergency contacts"),
    "alerts.alert": gettext_lazy("MIA alerts"),
    "alerts.alertrecipient": gettext_lazy("MIA alert recipients"),
    "alerts.alertlocation": gettext_lazy("MIA alert locations"),
    "alerts.alertmessage": gettext_lazy("Text messages (SMS) of her alerts"),
    "alerts.alertevent": gettext_lazy("Timeline of her alerts (fallbacks, calls, hand-offs, timers)"),
    "alerts.alertdispatch": gettext_lazy("Hand-offs of her alerts to 9-1-1"),
    "alerts.triptimer": gettext_lazy("Her trip timers (Acompáñame)"),
    "alerts.timerfollower": gettext_lazy("Contacts who followed her trips"),
    "alerts.timerposition": gettext_lazy("Positions she shared during her trips"),
    "privacy.arcorequest": gettext_lazy("Her ARCO requests"),
    "privacy.personblock": gettext_lazy("Blocking of her data"),
    "privacy.rectificationnotice": gettext_lazy("Rectifications passed on to institutions"),
    "programs.enrollment": gettext_lazy("Superación en acción courses she enrolled in"),
    "programs.enrollmentattendance": gettext_lazy("Her attendance at the courses' classes"),
    "programs.externallink": gettext_lazy("Links with other actors made through the courses"),
    "programs.visitconsultation": gettext_lazy("Consultations given at her workplace (IMM en tu empresa)"),
}
# Models that point at her but whose rows are not exported, and why.
EXCLUDED: dict[str, str] = {
    # The search's index of her name words and their pairs: derived from the names exported with her registration data, and
    # deleted with her record.
    "people.personnameword": "derived search index of the names in her registration data",
    "people.personnamepair": "derived search index of the names in her registration data (pairs of words)",
    # Which spreadsheet row of an import became her record: provenance for the import's report. What it points
    # at (her registration, case file, consultations) is exported in those sections; deleted with her record.
    "dataimport.importedrecord": "provenance of an import (the row and earlier folio her case file came from)",
    # What her case's follow-up goes by (the day of her last contact, her level): derived from the consultations,
    # assessments and priority exported in those sections; deleted with her case file.
    "violence.followupstate": "derived from her consultations, risk assessments and priority (Mis pendientes)",
}

# Fields that are not hers to read: hashes of PINs and tokens, unguessable link tokens, internal search keys.
SECRET_PARTS = ("hash", "token", "name_normalized", "stored_name")

# Her data is kept as proof of the request even when her record is deleted (erasure leaves these).
KEEP_ON_ERASE = {"privacy.arcorequest", "privacy.personblock", "privacy.rectificationnotice"}


def _relations(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None
    ]


def _paths(model, depth: int, seen: tuple) -> list[tuple[str, str]]:
    """(lookup, root label) for each chain of foreign keys from ``model`` to a root, at most ``depth`` long."""
    found = []
    for f in _relations(model):
        target = f.related_model
        label = target._meta.label_lower
        if label in ROOT_LABELS:
            found.append((f.name, label))
        elif depth > 1 and target not in seen:
            found += [
                (f"{f.name}__{rest}", root) for rest, root in _paths(target, depth - 1, (*seen, target))
            ]
    return found


def discover() -> dict[str, list[tuple[str, str]]]:
    """Every model (not a root itself) with a chain of foreign keys to a root: label → [(lookup, root)]."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in ROOT_LABELS:
            continue
        paths = _paths(model, MAX_DEPTH, (model,))
        if paths:
            found[label] = paths
    return found


def her_roots(person) -> dict[str, set]:
    from violeta.card.models import CardApplication
    from violeta.cases.models import Case

    return {
        "people.person": {person.pk},
        "cases.case": set(Case.objects.filter(holder=person).values_list("pk", flat=True)),
        "card.cardapplication": (
            set(CardApplication.objects.filter(curp=person.curp).values_list("pk", flat=True))
            if person.curp
            else set()
        ),
    }


def her_rows(person) -> dict[str, models.QuerySet]:
    """Label → queryset of her rows, for every root and every discovered model (roots first)."""
    return rows_for(her_roots(person))


def rows_for(roots: dict[str, set]) -> dict[str, models.QuerySet]:
    """Label → queryset of the rows of these roots and of every model that points at them (EXCLUDED ones too:
    erasure deletes them; the export leaves them out)."""
    roots = {label: set(roots.get(label, ())) for label in ROOT_LABELS}
    rows = {label: apps.get_model(label).objects.filter(pk__in=ids) for label, ids in roots.items()}
    for label, paths in discover().items():
        rule = Q()
        for lookup, root in paths:
            if roots[root]:
                rule |= Q(**{f"{lookup}__in": roots[root]})
        model = apps.get_model(label)
        rows[label] = model.objects.filter(rule).distinct() if rule else model.objects.none()
    return rows


def is_secret(f) -> bool:
    return any(part in f.name for part in SECRET_PARTS)


@dataclass
class Section:
    label: str
    title: str
    columns: list[str]
    names: list[str]
    rows: list[list] = field(default_factory=list)


def _display(value):
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if timezone.is_aware(value) else str(value)
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def _json(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class _Labels:
    """Names for foreign keys: staff by name, case files by folio, small catalogues by their text."""

    def __init__(self):
        self.cache: dict = {}

    def name(self, model, pk):
        if pk is None:
            return None
        label = model._meta.label_lower
        if label not in self.cache:
            if label == settings.AUTH_USER_MODEL.lower():
                self.cache[label] = dict(model.objects.values_list("pk", "full_name"))
            elif label == "cases.case":
                self.cache[label] = dict(model.objects.values_list("pk", "folio"))
            elif label in (
                "people.neighborhood",
                "accounts.area",
                "referrals.institution",
                "psychology.scale",
                "cases.customfield",
            ):
                self.cache[label] = {obj.pk: str(obj) for obj in model.objects.all()}
            else:
                self.cache[label] = None
        names = self.cache[label]
        return names.get(pk, pk) if names is not None else pk


def _file_of(obj) -> tuple[str, bytes] | None:
    """The file a row carries (a document, a card proof), as (name, content), or None."""
    label = obj._meta.label_lower
    if label == "card.applicationdocument":
        from violeta.card.uploads import path_of

        path = path_of(obj.stored_name)
        return (path.name, path.read_bytes()) if path.exists() else None
    for f in obj._meta.concrete_fields:
        if isinstance(f, models.FileField):
            file = getattr(obj, f.name)
            if file and file.storage.exists(file.name):
                original = getattr(obj, "original_name", "") or PurePosixPath(file.name).name
                with file.storage.open(file.name, "rb") as handle:
                    return (original, handle.read())
    return None


def build_export(person, *, generated_by) -> tuple[bytes, dict[str, int]]:
    """Her complete export: a ZIP with ``datos.json``, ``resumen.html`` and her files. Returns (zip, counts)."""
    from violeta.audit.models import AuditEvent

    labels = _Labels()
    sections: list[Section] = []
    data: dict = {
        "generado": timezone.localtime().isoformat(),
        "institucion": settings.INSTITUTE.get("name", ""),
        "secciones": {},
    }
    files: list[tuple[str, bytes]] = []
    counts: dict[str, int] = {}
    rows_by_label = her_rows(person)
    for label, queryset in rows_by_label.items():
        if label in EXCLUDED:
            continue
        model = apps.get_model(label)
        fields = [f for f in model._meta.concrete_fields if not is_secret(f)]
        section = Section(
            label=label,
            title=str(SECTIONS.get(label, model._meta.verbose_name_plural)),
            columns=[str(f.verbose_name) for f in fields],
            names=[f.name for f in fields],
        )
        records = []
        for obj in queryset.order_by("pk"):
            record, shown = {}, []
            for f in fields:
                if f.is_relation:
                    value = labels.name(f.related_model, getattr(obj, f.attname))
                elif f.choices:
                    value = getattr(obj, f"get_{f.name}_display")()
                elif isinstance(f, models.FileField):
                    value = None
                else:
                    value = getattr(obj, f.attname)
                record[f.name] = _json(value)
                shown.append(_display(value))
            attached = _file_of(obj)
            if attached is not None:
                name = f"archivos/{label.replace('.', '-')}/{obj.pk}-{get_valid_filename(attached[0]) or 'archivo'}"
                files.append((name, attached[1]))
                record["archivo"] = name
                shown[-1] = shown[-1] or name
            records.append(record)
            section.rows.append(shown)
        counts[label] = len(records)
        if records:
            sections.append(section)
            data["secciones"][label] = {"titulo": section.title, "registros": records}
    case_ids = list(rows_by_label["cases.case"].values_list("pk", flat=True))
    events = AuditEvent.objects.filter(
        Q(object_type="people.person", object_id=str(person.pk)) | Q(case_id__in=case_ids)
    ).order_by("at", "id")
    log = [
        {
            "fecha": timezone.localtime(e.at).isoformat(),
            "cuenta": e.actor_label,
            "accion": e.get_action_display(),
            "objeto": f"{e.object_type}:{e.object_id}",
            "detalle": e.detail,
        }
        for e in events
    ]
    counts["audit.auditevent"] = len(log)
    data["bitacora"] = log
    summary = render_to_string(
        "privacy/export_summary.html",
        {
            "person": person,
            "sections": sections,
            "log": log,
            "generated_by": generated_by,
            "now": timezone.now(),
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datos.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        archive.writestr("resumen.html", summary)
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue(), counts


def erase_order(rows: dict[str, models.QuerySet]) -> list[str]:
    """Labels in an order that deletes rows before the rows they point at (deepest first, roots last)."""
    depth = defaultdict(int)
    for label, paths in discover().items():
        depth[label] = max(lookup.count("__") + 1 for lookup, _root in paths)
    return sorted(rows, key=lambda label: (-depth[label], label))
