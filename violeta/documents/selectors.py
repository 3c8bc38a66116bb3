"""Reads of documents. ``access_document`` is the one way to a file: it checks, 404s and audits.

A document of a case is read by whoever may see the case; a document of a legal matter by whoever may read the
matter (the legal area and the director's office). Other apps attaching documents add their rule here.
"""

from django.db.models import QuerySet
from django.http import Http404

from violeta.audit.models import Action
from violeta.audit.services import audit_denied, audit_record
from violeta.cases.selectors import visible_cases
from violeta.documents.models import Document
from violeta.legal.selectors import can_read_matters


def readable_documents(user) -> QuerySet[Document]:
    documents = Document.objects.filter(case__in=visible_cases(user))
    if not can_read_matters(user):
        documents = documents.filter(matter__isnull=True)
    return documents


def can_read_document(user, document: Document) -> bool:
    return readable_documents(user).filter(pk=document.pk).exists()


def access_document(user, public_id, *, detail: str = "descarga de documento") -> Document:
    """The document if the user may read it; otherwise 404 and an audited, flagged refusal."""
    document = readable_documents(user).filter(public_id=public_id).select_related("case").first()
    if document is None:
        case_id = Document.objects.filter(public_id=public_id).values_list("case_id", flat=True).first()
        audit_denied(
            actor=user,
            object_type="documents.document",
            object_id=str(public_id),
            case_id=case_id,
            detail=detail,
        )
        raise Http404
    audit_record(actor=user, action=Action.VIEW, obj=document, case_id=document.case_id, detail=detail)
    return document


def case_documents(user, case) -> list[Document]:
    """The documents of a case the user may read, for its page; one query. ``access_case`` came first."""
    documents = Document.objects.filter(case=case)
    if not can_read_matters(user):
        documents = documents.filter(matter__isnull=True)
    return list(documents.select_related("uploaded_by", "matter").order_by("-uploaded_at", "-id"))


def matter_documents(matter) -> list[Document]:
    """The documents of a legal matter, for its page; ``access_matter`` came first."""
    return list(matter.documents.select_related("uploaded_by").order_by("-uploaded_at", "-id"))


def document_custody(document: Document) -> list:
    """Its chain of custody, oldest first, for its page; ``access_document`` came first."""
    return list(document.custody.select_related("by").order_by("at", "id"))


def case_staff(case, user) -> list:
    """Who may be named as having received evidence: the case's team, and the user herself."""
    members = [member.user for member in case.team_members.select_related("user").order_by("user__full_name")]
    if all(member.pk != user.pk for member in members):
        members.insert(0, user)
    return members
