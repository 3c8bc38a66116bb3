"""Demo data for the agenda: the coming week's appointments of the area staff, and four weeks of calls on
both lines.

Appointments are for the next working days from the day the demo is built (the agenda shows the present week,
so this part depends on that day); bookings that would clash are skipped, as the service refuses them. Calls
are spread over the last four weeks, a fifth of them in the evening or at the weekend. The most recent call
that asked for an appointment gets one, for a woman not registered yet.
"""

from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError

from violeta.agenda.callbacks import callback_request_submit
from violeta.agenda.hours import office_hours_problem
from violeta.agenda.models import CallAction, PhoneCall, PhoneLine
from violeta.agenda.services import appointment_book, phone_call_log
from violeta.cases.models import Case, CaseTeamMember
from violeta.core.demo import Demo


def load(demo: Demo) -> None:
    rng, users, tz = demo.rng, demo["accounts.users"], demo.tz
    reception = users["recepcion"]
    days, day = [], demo.today
    while len(days) < 5:
        day += timedelta(days=1)
        if not office_hours_problem(
            datetime.combine(day, time(10), tzinfo=tz), datetime.combine(day, time(11), tzinfo=tz)
        ):
            days.append(day)
    modalities = [("in_person", 6), ("phone", 3), ("video", 1)]
    for staff_list in demo["accounts.staff_by_area"].values():
        for staff in staff_list:
            cases = list(
                Case.objects.filter(
                    status__in=["open", "follow_up", "reopened"],
                    pk__in=CaseTeamMember.objects.filter(user=staff).values("case_id"),
                ).order_by("pk")
            )
            for day in days:
                for hour in sorted(rng.sample(range(9, 15), 3)):
                    start = datetime.combine(day, time(hour), tzinfo=tz)
                    modality = demo.weighted(modalities)
                    try:
                        appointment_book(
                            by=reception if rng.random() < 0.6 else staff,
                            staff=staff,
                            starts_at=start,
                            ends_at=start + timedelta(minutes=50),
                            modality=modality,
                            case=rng.choice(cases) if cases and rng.random() < 0.85 else None,
                            contact_name=demo.fake.first_name_female(),
                            video_link=f"https://meet.jit.si/imm-{rng.randrange(10**8):08d}"
                            if modality == "video"
                            else "",
                        )
                    except ValidationError:
                        continue  # she already has another appointment then
                    demo.counts["appointments"] += 1
    lines = list(PhoneLine.objects.order_by("code"))
    reasons = [
        ("Pregunta por asesoría para divorcio", False, CallAction.APPOINTMENT),
        ("Quiere saber cómo pedir pensión alimenticia", False, CallAction.ORIENTATION),
        ("Su pareja la amenaza; pide orientación", True, CallAction.APPOINTMENT),
        ("Corrección de acta de nacimiento", False, CallAction.REFERRAL),
        ("Agresión en curso, se escuchan gritos", True, CallAction.EMERGENCY),
        ("Busca apoyo psicológico para su hija", True, CallAction.ORIENTATION),
    ]
    today = demo.today
    for index in range(40):
        day = today - timedelta(days=rng.randrange(1, 29))
        if index % 5 == 0:
            moment = datetime.combine(
                day, time(rng.choice([7, 16, 18, 20, 22]), rng.randrange(60)), tzinfo=tz
            )
        else:
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            moment = demo.business_moment(day)
        reason, violence, action = rng.choice(reasons)
        phone_call_log(
            by=reception,
            line=lines[index % len(lines)],
            at=moment,
            caller_name=demo.fake.first_name_female() if rng.random() < 0.7 else "",
            reason=reason,
            violence=violence,
            action=action,
        )
        demo.counts["phone_calls"] += 1
    # The most recent call that asked for an appointment got one (the woman is not registered yet).
    call = PhoneCall.objects.filter(action=CallAction.APPOINTMENT).order_by("-at").first()
    for day, hour in ((d, h) for d in days for h in range(9, 15)):
        start = datetime.combine(day, time(hour), tzinfo=tz)
        try:
            appointment_book(
                by=reception,
                staff=users["abogada"],
                starts_at=start,
                ends_at=start + timedelta(minutes=50),
                modality="phone",
                call=call,
            )
        except ValidationError:
            continue
        demo.counts["appointments"] += 1
        break
    # Two women asked on the public site to be called back, each saying how it is safe (the front desk's list).
    for fields in (
        {
            "kind": "call",
            "name": "Rosa",
            "phone": "614 321 7788",
            "best_time": "De 10:00 a 12:00",
            "code_word": "girasol",
        },
        {
            "kind": "appointment",
            "phone": "614 555 0142",
            "may_leave_message": True,
            "reason": "Orientación sobre pensión",
        },
    ):
        callback_request_submit(**{"may_leave_message": False, "may_send_sms": False, **fields})
        demo.counts["callback_requests"] += 1
