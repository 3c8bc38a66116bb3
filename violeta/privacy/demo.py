"""Demo data for data protection (called by ``DemoBuilder.build``): one ARCO request in progress, one breach."""

from datetime import timedelta

from django.utils import timezone

from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.privacy import clock
from violeta.privacy.models import ArcoRight, IdentityCheck
from violeta.privacy.services.arco import arco_register, arco_start
from violeta.privacy.services.breaches import breach_record


def build_privacy(builder) -> dict[str, int]:
    director = builder.users["direccion"]
    case = (
        Case.objects.filter(status__in=ACTIVE_STATUSES, is_internal_protocol=False)
        .order_by("opened_at", "pk")
        .first()
    )
    if case is None:
        return {}
    today = timezone.localdate()
    request = arco_register(
        person=case.holder,
        by=director,
        right=ArcoRight.ACCESS,
        received_on=clock.subtract_business_days(today, 6),
        identity_check=IdentityCheck.VOTER_ID,
        identity_notes="Presentó su credencial para votar en recepción; la vio la directora.",
        description="Solicita una copia de todos sus datos personales que tiene el instituto.",
    )
    arco_start(request=request, by=director)
    breach_record(
        by=director,
        detected_on=today - timedelta(days=20),
        description=(
            "Se envió por error a un correo externo una lista de asistencia de un taller (sin expedientes). "
            "El destinatario confirmó por escrito que la borró."
        ),
        data_affected="Nombres y teléfonos de asistentes a un taller",
        people_affected=12,
        measures="Se pidió el borrado al destinatario; se capacitó al área en el envío de listas.",
        people_notified_on=today - timedelta(days=15),
    )
    return {"arco_requests": 1, "breaches": 1}
