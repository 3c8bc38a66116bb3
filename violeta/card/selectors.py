"""Reads of the card program. Personal data (applications, cards) only through ``access_*``, audited."""

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_many, audit_record, audited_page
from violeta.card.models import (
    ApplicationStatus,
    Branch,
    Card,
    CardApplication,
    CardStatus,
    CardUse,
    Merchant,
    MerchantCategory,
    MerchantStatus,
    ValidationResult,
)
from violeta.card.permissions import is_office


def access_application(user, pk: int, *, detail: str = "solicitud de tarjeta") -> CardApplication:
    """One application, for the card office; anyone else gets 404 and an audited refusal."""
    application = None
    if is_office(user):
        application = (
            CardApplication.objects.select_related("neighborhood", "submitted_by").filter(pk=pk).first()
        )
    if application is None:
        audit_denied(actor=user, object_type="card.cardapplication", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=application, detail=detail)
    return application


def access_card(user, pk: int, *, detail: str = "tarjeta") -> Card:
    card = None
    if is_office(user):
        card = Card.objects.select_related("application").filter(pk=pk).first()
    if card is None:
        audit_denied(actor=user, object_type="card.card", object_id=pk)
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=card, detail=detail)
    return card


def card_for_holder(token: str) -> Card:
    """Her digital card, reached only through the unguessable link she was given. Audited as a read."""
    card = None
    if token and len(token) <= 64:
        card = Card.objects.select_related("application").filter(Card.by_token("holder", token)).first()
    if card is None:
        raise Http404
    audit_record(actor=None, action=Action.VIEW, obj=card, detail="tarjeta digital", actor_label="titular")
    return card


def application_page(application: CardApplication) -> dict:
    return {
        "documents": list(application.documents.all()),
        "events": list(application.events.select_related("by")),
        "cards": list(application.cards.order_by("-issued_at", "-id")),
    }


def queue_counts() -> dict:
    rows = CardApplication.objects.values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(ApplicationStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def office_queue_page(user, *, status: str, query: str = "", page=None, per_page: int = 25) -> Page:
    """One page of the office's queue of applications in ``status``, or of a search when ``query`` is given.
    The page shows names, so each row on it is audited (one VIEW line), as a queue or as a search."""
    if query:
        rows, detail = _application_search(user, query), "búsqueda de solicitudes"
    else:
        rows, detail = _application_queue(user, status), "cola de solicitudes"
    return audited_page(actor=user, rows=rows, page=page, per_page=per_page, detail=detail)


def _application_queue(user, status: str):
    """Applications in one state, oldest first."""
    if not is_office(user):
        raise Http404
    return (
        CardApplication.objects.filter(status=status)
        .select_related("neighborhood")
        .order_by("submitted_at", "id")
    )


def _application_search(user, query: str):
    """Find applications in any state by folio (SOL-000123), CURP, or name words, for the desk."""
    if not is_office(user):
        raise Http404
    query = query.strip()
    applications = CardApplication.objects.select_related("neighborhood").order_by("-submitted_at", "-id")
    folio = query.upper().removeprefix("SOL-")
    if folio.isdigit():
        return applications.filter(pk=int(folio))
    if len(query) == 18 and query.isalnum():
        return applications.filter(curp=query.upper())
    for word in query.split()[:4]:
        applications = applications.filter(
            Q(given_names__icontains=word)
            | Q(first_surname__icontains=word)
            | Q(second_surname__icontains=word)
        )
    return applications


def delivery_list(user, *, limit: int = 500) -> list[Card]:
    """Cards issued and not yet handed over, by colonia, for the delivery days (at most ``limit``). The list shows
    names, so each holder's application shown is audited (one VIEW line)."""
    if not is_office(user):
        raise Http404
    cards = list(
        Card.objects.filter(status=CardStatus.ACTIVE, delivered_at__isnull=True)
        .select_related("application", "application__neighborhood")
        .order_by("application__neighborhood__name", "application__first_surname", "id")[:limit]
    )
    audit_many(
        actor=user, action=Action.VIEW, objects=[c.application for c in cards], detail="lista de entregas"
    )
    return cards


# --- Public directory -----------------------------------------------------------------------------------


def affiliated_merchants():
    today = timezone.localdate()
    return Merchant.objects.filter(
        Q(agreement_end__isnull=True) | Q(agreement_end__gte=today),
        status=MerchantStatus.ACTIVE,
        agreement_start__lte=today,
    )


def directory(*, q: str = "", category: str = "", neighborhood: int | None = None):
    """Affiliated businesses with their active branches, in three queries whatever their number."""
    merchants = affiliated_merchants().select_related("category")
    if category:
        merchants = merchants.filter(category__code=category)
    if neighborhood:
        merchants = merchants.filter(branches__neighborhood_id=neighborhood, branches__is_active=True)
    if q:
        for word in q.split()[:5]:
            merchants = merchants.filter(
                Q(name__icontains=word)
                | Q(discount__icontains=word)
                | Q(category__name__icontains=word)
                | Q(branches__neighborhood__name__icontains=word)
            )
    branches = Branch.objects.filter(is_active=True).select_related("neighborhood").order_by("name")
    return (
        merchants.distinct()
        .prefetch_related(Prefetch("branches", queryset=branches, to_attr="open_branches"))
        .order_by("category__order", "name")
    )


def directory_filters():
    categories = list(MerchantCategory.objects.all())
    neighborhoods = list(
        Branch.objects.filter(is_active=True, merchant__in=affiliated_merchants())
        .values_list("neighborhood_id", "neighborhood__name")
        .distinct()
        .order_by("neighborhood__name")
    )
    return categories, neighborhoods


# --- Statistics -------------------------------------------------------------------------------------------

AGE_GROUPS = ((18, 29), (30, 39), (40, 49), (50, 59), (60, 200))


def age_group(age: int) -> str:
    for low, high in AGE_GROUPS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}–{high}"
    return "<18"


@dataclass
class Statistics:
    by_neighborhood: list
    by_age: list
    uses_by_category: list
    uses_by_merchant: list
    applications: dict
    active_cards: int


def statistics(user) -> Statistics:
    """Counts only: no one is named. Active cards by colonia and age group; valid uses by category/business."""
    if not is_office(user):
        raise Http404
    today = timezone.localdate()
    active = Card.objects.filter(status=CardStatus.ACTIVE, valid_until__gte=today)
    by_neighborhood = list(
        active.values("application__neighborhood__name")
        .annotate(n=Count("id"))
        .order_by("-n", "application__neighborhood__name")
    )
    ages = Counter()
    for birth in active.values_list("application__birth_date", flat=True):
        ages[age_group(today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day)))] += 1
    labels = [age_group(low) for low, _high in AGE_GROUPS]
    uses = CardUse.objects.filter(result=ValidationResult.VALID)
    return Statistics(
        by_neighborhood=by_neighborhood,
        by_age=[(label, ages.get(label, 0)) for label in labels],
        uses_by_category=list(uses.values("merchant__category__name").annotate(n=Count("id")).order_by("-n")),
        uses_by_merchant=list(uses.values("merchant__name").annotate(n=Count("id")).order_by("-n")[:50]),
        applications=queue_counts(),
        active_cards=active.count(),
    )
