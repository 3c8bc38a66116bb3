"""Institutions, liaisons and referrals for tests, made through the services."""

from violeta.referrals import inbound as inbound_referrals
from violeta.referrals import network, services
from violeta.referrals.models import Institution, InstitutionKind, Urgency


def institution(code="dif", *, kind=InstitutionKind.DIF, response_days=5, name="") -> Institution:
    existing = Institution.objects.filter(code=code).first()
    if existing:
        return existing
    return Institution.objects.create(
        code=code,
        name=name or f"Institución {code.upper()}",
        short_name=code.upper(),
        kind=kind,
        response_days=response_days,
        address="Calle Falsa 123, Chihuahua",
        phone="614 000 0000",
    )


def dif(**kwargs) -> Institution:
    return institution("dif", kind=InstitutionKind.DIF, name="DIF Municipal de Chihuahua", **kwargs)


def link(user, inst: Institution):
    return network.liaison_link(user=user, institution=inst, by=user)


def refer(case, by, inst, *, send=True, consent=True, summary="Requiere apoyo de guardería.", **extra):
    return services.referral_create(
        case=case,
        by=by,
        institution=inst,
        reason=extra.pop("reason", "Apoyo para sus hijos"),
        shared_summary=summary,
        urgency=extra.pop("urgency", Urgency.ORDINARY),
        consent_given=consent,
        consent_scope="Compartir el resumen con la institución" if consent else "",
        send=send,
        **extra,
    )


def referral_world(*, case, lawyer, dif_liaison) -> dict:
    """For the authorization matrix: a sent referral of the case to DIF, DIF's liaison, and an inbound one."""
    inst = dif()
    link(dif_liaison, inst)
    referral = refer(case, lawyer, inst)
    inbound = inbound_referrals.inbound_referral_create(
        by=dif_liaison,
        given_names="Ana",
        first_surname="Prueba",
        reason="Solicita asesoría jurídica",
        consent_given=True,
    )
    return {"referral": referral.folio, "inbound": inbound.pk, "institution": inst.pk}
