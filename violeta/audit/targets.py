"""What an audit line is about, in the institute's words: "Expediente IMM-2026-000156", "Canalización
CAN-2026-0010", "Persona 42", with a link where the reader may follow it, rather than ``cases.case 156``.

The audit app sits below the apps whose objects it records, so it names them by their models alone: the model's
verbose name (in Spanish) and its folio when it has one, else its id. An app above registers how to link to its
objects (``register_link``) and how to name a pseudo-type that is not a model (``register_name``, e.g. the
person search). A link is only a way there: the page it leads to checks the reader's permission and audits the
visit.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

_LINKS: dict[str, Callable[[object], str]] = {}
_NAMES: dict[str, Callable[[], str]] = {}


def register_link(object_type: str, link: Callable[[object], str]) -> None:
    """``link(obj)``: the address of this object's page (``obj`` has its pk and, if the model has one, folio)."""
    _LINKS[object_type] = link


def register_name(object_type: str, name: Callable[[], str]) -> None:
    """How to call events of a type that is not a model ("people.search": the person search)."""
    _NAMES[object_type] = name


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _has_folio(model) -> bool:
    try:
        model._meta.get_field("folio")
    except FieldDoesNotExist:
        return False
    return True


def annotate(events: Iterable) -> list:
    """Set ``target_label`` and ``target_url`` on each event (one query per type of object on the page)."""
    events = list(events)
    ids_of: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_type and str(event.object_id).isdigit():
            ids_of[event.object_type].add(int(event.object_id))
    found: dict[tuple[str, str], object] = {}
    for object_type, ids in ids_of.items():
        model = _model(object_type)
        if model is None:
            continue
        fields = ["pk", "folio"] if _has_folio(model) else ["pk"]
        for obj in model._default_manager.filter(pk__in=ids).only(*fields):
            found[(object_type, str(obj.pk))] = obj
    for event in events:
        event.target_label, event.target_url = _describe(
            event, found.get((event.object_type, str(event.object_id)))
        )
    return events


def _describe(event, obj) -> tuple[str, str]:
    if not event.object_type:
        return "", ""
    if event.object_type in _NAMES:
        return str(_NAMES[event.object_type]()), ""
    model = _model(event.object_type)
    if model is None:
        return f"{event.object_type} {event.object_id}".strip(), ""
    name = capfirst(model._meta.verbose_name)
    if obj is None:  # gone, or recorded by folio: name it by what was recorded
        return f"{name} {event.object_id}".strip(), ""
    label = f"{name} {getattr(obj, 'folio', '') or obj.pk}"
    link = _LINKS.get(event.object_type)
    return label, link(obj) if link else ""
