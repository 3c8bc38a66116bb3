"""Pages of *Superación en acción*: courses, groups with their classes and roll call, enrolments and outcomes
(program staff), and the enrolment from her case file (whoever may see the case)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.models import CASE_ROLES
from violeta.accounts.permissions import staff_required
from violeta.cases.selectors import access_case
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.people.selectors import DUPLICATE_KEYS, duplicate_candidates, duplicate_matches
from violeta.programs import course_selectors as selectors
from violeta.programs import courses as services
from violeta.programs.course_forms import (
    CohortForm,
    CohortSessionForm,
    CourseForm,
    EnrollForm,
    ExternalLinkForm,
    NewParticipantForm,
    OutcomeForm,
)
from violeta.programs.models import EnrollmentStatus
from violeta.programs.permissions import PROGRAM_ROLES
from violeta.programs.views import _form_page, roll_call_tap


@staff_required(PROGRAM_ROLES)
def course_list(request):
    page = selectors.courses_page(request.user, page=request.GET.get("page"))
    return render_page(request, "programs/course_list.html", {"page": page})


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def course_create(request):
    form = CourseForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("New course"),
        save=lambda data: services.course_create(by=request.user, **data),
        back=lambda course: ("programs:course_detail", course.pk),
        cancel="programs:course_list",
    )


@staff_required(PROGRAM_ROLES)
def course_detail(request, pk):
    course = selectors.access_course(request.user, pk)
    context = {"course": course, "cohorts": selectors.course_cohorts(course)}
    return render_page(request, "programs/course_detail.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def cohort_create(request, pk):
    course = selectors.access_course(request.user, pk, detail="nuevo grupo")
    form = CohortForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form,
        title=_("New group"),
        subtitle=course.trade,
        save=lambda data: services.cohort_create(course=course, by=request.user, **data),
        back=lambda cohort: ("programs:cohort_detail", cohort.pk),
        cancel=("programs:course_detail", course.pk),
    )


@staff_required(PROGRAM_ROLES)
def cohort_detail(request, pk):
    cohort = selectors.access_cohort(request.user, pk)
    rows = selectors.cohort_enrollments(request.user, cohort)
    context = {
        "cohort": cohort,
        "sessions": list(cohort.sessions.all()),
        "seated": [r for r in rows if r.enrollment.is_seated],
        "waiting": [r for r in rows if r.enrollment.status == EnrollmentStatus.WAITING],
        "withdrawn": [r for r in rows if r.enrollment.status == EnrollmentStatus.WITHDRAWN],
        "can_enroll_new": request.user.role in services.NEW_PARTICIPANT_ROLES,
    }
    return render_page(request, "programs/course_cohort.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def cohort_session_create(request, pk):
    cohort = selectors.access_cohort(request.user, pk, detail="nueva clase")
    form = CohortSessionForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("New class"),
        subtitle=str(cohort),
        save=lambda data: services.cohort_session_add(cohort=cohort, by=request.user, **data),
        back=lambda _session: ("programs:cohort_detail", cohort.pk),
        cancel=("programs:cohort_detail", cohort.pk),
    )


@staff_required(PROGRAM_ROLES)
def cohort_roll_call(request, pk, session_pk):
    """The roll call of a class, made for a tablet: one tap a woman, saved at once (static/programs/roll-call.js)."""
    session = selectors.access_cohort_session(request.user, pk, session_pk)
    context = {
        "session": session,
        "cohort": session.cohort,
        "rows": selectors.cohort_roll_call(request.user, session),
    }
    return render_page(request, "programs/course_roll_call.html", context)


@staff_required(PROGRAM_ROLES)
@require_POST
def cohort_attendance_mark(request, pk, session_pk, enrollment_pk):
    """One tap of the roll call (roll_call_tap says how it is answered)."""
    session = selectors.access_cohort_session(request.user, pk, session_pk)
    enrollment = selectors.access_enrollment(
        request.user, enrollment_pk, cohort=session.cohort, detail="pase de lista"
    )
    return roll_call_tap(
        request,
        mark=lambda present: services.course_attendance_mark(
            session=session, enrollment=enrollment, present=present, by=request.user
        ),
        row_id=enrollment.pk,
        back=reverse("programs:cohort_roll_call", args=[pk, session.pk]),
    )


@staff_required(PROGRAM_ROLES)
@require_POST
def cohort_complete(request, pk):
    cohort = selectors.access_cohort(request.user, pk, detail="cerrar grupo")
    try:
        counts = services.cohort_complete(cohort=cohort, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Group closed: %(done)s completed it, %(not_done)s did not.")
            % {"done": counts["completed"], "not_done": counts["not_completed"]},
        )
    return redirect("programs:cohort_detail", cohort.pk)


@staff_required(PROGRAM_ROLES)
def enrollment_detail(request, pk):
    enrollment = selectors.access_enrollment(request.user, pk)
    row = selectors.enrollment_rows(enrollment.cohort, [enrollment])[0]
    context = {"enrollment": enrollment, "row": row, "links": list(enrollment.links.all())}
    return render_page(request, "programs/course_enrollment.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def enrollment_outcome(request, pk):
    enrollment = selectors.access_enrollment(request.user, pk, detail="resultado")
    initial = {
        "outcome": enrollment.outcome,
        "note": enrollment.outcome_note,
        "follow_up_on": enrollment.follow_up_on,
    }
    form = OutcomeForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        title=_("Outcome after the course"),
        subtitle=f"{enrollment.person.full_name} · {enrollment.cohort}",
        save=lambda data: services.outcome_record(enrollment=enrollment, by=request.user, **data),
        back=lambda saved: ("programs:enrollment_detail", saved.pk),
        cancel=("programs:enrollment_detail", enrollment.pk),
    )


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def enrollment_link_create(request, pk):
    enrollment = selectors.access_enrollment(request.user, pk, detail="nuevo vínculo")
    form = ExternalLinkForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("Link with another actor"),
        subtitle=f"{enrollment.person.full_name} · {enrollment.cohort}",
        save=lambda data: services.external_link_add(enrollment=enrollment, by=request.user, **data),
        back=lambda _link: ("programs:enrollment_detail", enrollment.pk),
        cancel=("programs:enrollment_detail", enrollment.pk),
    )


@staff_required(PROGRAM_ROLES)
@require_POST
def enrollment_withdraw(request, pk):
    enrollment = selectors.access_enrollment(request.user, pk, detail="baja")
    try:
        promoted = services.withdraw(enrollment=enrollment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programs:enrollment_detail", enrollment.pk)
    messages.success(request, _("She was withdrawn from the group."))
    if promoted is not None:
        messages.info(
            request,
            _("%(name)s, first on the waiting list, now has a place.") % {"name": promoted.person.full_name},
        )
    return redirect("programs:cohort_detail", enrollment.cohort_id)


@staff_required(CASE_ROLES)
@require_http_methods(["GET", "POST"])
def course_enroll(request, folio):
    """Enrol her in a group from her case file: whoever may see the case, with her consent."""
    case = access_case(request.user, folio, detail="inscribir en un curso")
    form = EnrollForm(request.POST or None, cohorts=selectors.open_cohorts())
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = services.enroll(
                cohort=form.cleaned_data["cohort"],
                case=case,
                by=request.user,
                consent=form.cleaned_data["consent"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if enrollment.status == EnrollmentStatus.WAITING:
                messages.warning(request, _("The group is full: she is on its waiting list."))
            else:
                messages.success(request, _("She is enrolled in the group."))
            return redirect("cases:detail", case.folio)
    context = {"form": form, "case": case}
    return render_page(request, "programs/course_enroll.html", context)


@staff_required(services.NEW_PARTICIPANT_ROLES)
@require_http_methods(["GET", "POST"])
def cohort_enroll_new(request, pk):
    """Enrol a woman who has no case file: the intake's duplicate check first, then "Es ella" or a new person."""
    cohort = selectors.access_cohort(request.user, pk)
    form = NewParticipantForm(request.POST or None)
    matches = []
    if request.method == "POST" and form.is_valid():
        typed = {k: form.cleaned_data.get(k) for k in DUPLICATE_KEYS if k in form.cleaned_data}
        candidates = duplicate_candidates(**typed)
        chosen = form.cleaned_data.get("existing_person")
        person = None
        if chosen:
            # "Es ella" only for someone the check itself offered: never an arbitrary record by its id.
            person = next((c.person for c in candidates if c.person.pk == chosen), None)
            if person is None:
                raise Http404
        if person or not candidates or form.cleaned_data.get("confirm_new"):
            try:
                enrollment = services.enroll_new_participant(
                    cohort=cohort,
                    by=request.user,
                    consent=form.cleaned_data["consent"],
                    person=person,
                    person_data=None if person else form.person_data(),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is enrolled (%(status)s).")
                    % {"name": enrollment.person.full_name, "status": enrollment.get_status_display()},
                )
                return redirect("programs:cohort_detail", pk=cohort.pk)
        matches = duplicate_matches(request.user, candidates, phone=typed.get("phone"))
    context = {"cohort": cohort, "form": form, "candidates": matches}
    return render_page(request, "programs/course_enroll_new.html", context)
