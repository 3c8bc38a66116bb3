"""Demo data for data protection (``load``, the last app): one ARCO request in progress, one breach entry."""

from datetime import timedelta

from violeta.cases.models import ACTIVE_STATUSES, Case
from violeta.core.demo import Demo
from violeta.privacy import clock
from violeta.privacy.models import ArcoRight, IdentityCheck
from violeta.privacy.services.arco import arco_register, arco_start
from violeta.privacy.services.breaches import breach_record


def load(demo: Demo) -> None:
    director = demo["accounts.users"]["direccion"]
    case = (
        Case.objects.filter(status__in=ACTIVE_STATUSES, is_internal_protocol=False)
        .order_by("opened_at", "pk")
        .first()
    )
    if case is None:
        return
    today = demo.today
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
    demo.counts.update(arco_requests=1, breaches=1)
