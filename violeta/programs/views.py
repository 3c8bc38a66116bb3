"""Program staff's pages: their sessions, trainings with sessions, attendees and roll call, organisations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from violeta.accounts.permissions import staff_required
from violeta.core.forms import apply_service_errors
from violeta.core.htmx import render_page
from violeta.core.middleware import client_ip
from violeta.core.ratelimit import hit
from violeta.programs import documents, selectors, services, spreadsheet, visit_selectors
from violeta.programs.forms import (
    AgreementForm,
    AnswersForm,
    AttendeeForm,
    ContactForm,
    ImportForm,
    OrganizationForm,
    PublicSignupForm,
    QuestionForm,
    RevokeForm,
    SessionForm,
    SignupOpenForm,
    StaffTrainingForm,
    TrainingForm,
)
from violeta.programs.models import OrganizationKind, Phase, Program, RegisteredBy, Topic
from violeta.programs.permissions import PROGRAM_ROLES, STAFF_ROLES


def _url(target) -> str:
    """A URL name, or a (name, pk) pair."""
    return reverse(target[0], args=target[1:]) if isinstance(target, tuple) else reverse(target)


def _form_page(request, form, *, title, save, back, cancel, subtitle=""):
    """A form page: on a valid POST the service saves (its errors shown on the form), then back where it came."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_url(back(saved)))
    context = {"form": form, "title": title, "subtitle": subtitle, "cancel": _url(cancel)}
    return render_page(request, "programs/form.html", context)


@staff_required(PROGRAM_ROLES)
def home(request):
    """The trainer's start: her sessions of the next two weeks, and the way to everything else."""
    return render_page(request, "programs/home.html", {"sessions": selectors.upcoming_sessions(request.user)})


# --- Trainings --------------------------------------------------------------------------------------------


@staff_required(PROGRAM_ROLES)
def training_list(request):
    program = request.GET.get("program", "")
    program = program if program in Program.values else ""
    mine = request.GET.get("mine") == "1"
    page = selectors.trainings_page(request.user, program=program, mine=mine, page=request.GET.get("page"))
    context = {"page": page, "program": program, "programs": Program.choices, "mine": mine}
    return render_page(request, "programs/training_list.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def training_create(request):
    initial = (
        {"organization": request.GET.get("organization")}
        if request.GET.get("organization", "").isdigit()
        else {}
    )
    form = TrainingForm(request.POST or None, user=request.user, initial=initial)
    return _form_page(
        request,
        form,
        title=_("New training"),
        save=lambda data: services.training_create(by=request.user, **data),
        back=lambda training: ("programs:training_detail", training.pk),
        cancel="programs:training_list",
    )


@staff_required(PROGRAM_ROLES)
def training_detail(request, pk):
    training = selectors.access_training(request.user, pk)
    signup_url = ""
    if training.signup_is_open():
        signup_url = request.build_absolute_uri(reverse("programs:signup", args=[training.signup_token]))
    context = {
        "training": training,
        "sessions": list(training.sessions.select_related("trainer")),
        "attendees": selectors.training_attendees(request.user, training),
        "signup_url": signup_url,
        "questionnaires": selectors.questionnaire_summary(training),
        "has_questionnaire": training.topic.questions.filter(is_active=True).exists(),
        "signup_form": SignupOpenForm(),
        "revoke_form": RevokeForm(),
    }
    return render_page(request, "programs/training_detail.html", context)


@staff_required(PROGRAM_ROLES)
@require_POST
def signup_open(request, pk):
    training = selectors.access_training(request.user, pk, detail="abrir registro")
    form = SignupOpenForm(request.POST)
    if form.is_valid():
        try:
            services.signup_open(training=training, by=request.user, closes_at=form.cleaned_data["closes_at"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The sign-up link is open. Share it with the organisation."))
    else:
        messages.error(request, _("Give the date and time the sign-up closes."))
    return redirect("programs:training_detail", pk=training.pk)


@staff_required(PROGRAM_ROLES)
@require_POST
def signup_close(request, pk):
    training = selectors.access_training(request.user, pk, detail="cerrar registro")
    services.signup_close(training=training, by=request.user)
    messages.success(request, _("The sign-up link is closed."))
    return redirect("programs:training_detail", pk=training.pk)


@staff_required(PROGRAM_ROLES)
@require_POST
def certificates_issue(request, pk):
    training = selectors.access_training(request.user, pk, detail="emitir constancias")
    try:
        issued = services.certificates_issue(training=training, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if issued:
            messages.success(
                request,
                ngettext("%(n)s certificate issued.", "%(n)s certificates issued.", len(issued))
                % {"n": len(issued)},
            )
        else:
            messages.info(request, _("Nobody else met the attendance the certificate needs."))
    return redirect("programs:training_detail", pk=training.pk)


@staff_required(PROGRAM_ROLES)
def certificate_pdf(request, pk, certificate_pk):
    training = selectors.access_training(request.user, pk, detail="constancia")
    certificate = selectors.access_certificate(request.user, training, certificate_pk)
    response = HttpResponse(documents.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="constancia-{certificate.folio}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@staff_required(PROGRAM_ROLES)
@require_POST
def certificate_revoke(request, pk, certificate_pk):
    training = selectors.access_training(request.user, pk, detail="revocar constancia")
    certificate = selectors.access_certificate(request.user, training, certificate_pk)
    form = RevokeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the certificate is revoked."))
        services.certificate_revoke(
            certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Certificate %(folio)s revoked.") % {"folio": certificate.folio})
    return redirect("programs:training_detail", pk=training.pk)


# --- Public: the sign-up link and the certificate's verification ------------------------------------------

SIGNUPS_PER_HOUR_IP = 30


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request, token):
    """The public sign-up of a training, on a phone: unguessable link, closes at its date, limited per address."""
    training = selectors.training_for_signup(token)
    if training is None:
        return render_page(
            request, "programs/signup_closed.html", {"public": True, "unknown": True}, status=404
        )
    if not training.signup_is_open():
        return render_page(
            request, "programs/signup_closed.html", {"public": True, "training": training}, status=410
        )
    form = PublicSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if hit(f"signup:{client_ip(request) or '-'}", 3600, prefix="programs:rl") > SIGNUPS_PER_HOUR_IP:
            form.add_error(None, _("Too many sign-ups from this connection. Try again in a while."))
        else:
            try:
                services.attendee_register(
                    training=training, registered_by=RegisteredBy.PUBLIC_LINK, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                return render_page(
                    request, "programs/signup_done.html", {"public": True, "training": training}
                )
    context = {"public": True, "training": training, "form": form, "sessions": list(training.sessions.all())}
    response = render_page(request, "programs/signup.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def certificate_verify(request, token):
    """Public: whoever holds the certificate checks it. Her name, the training, its hours and date; nothing else."""
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        status = 404
    else:
        status = 410 if certificate.is_revoked or certificate.is_expired() else 200
    response = render_page(
        request,
        "programs/certificate_verify.html",
        {"public": True, "certificate": certificate},
        status=status,
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def session_create(request, pk):
    training = selectors.access_training(request.user, pk, detail="nueva sesión")
    form = SessionForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("New session"),
        subtitle=training.title,
        save=lambda data: services.session_add(training=training, by=request.user, **data),
        back=lambda _session: ("programs:training_detail", training.pk),
        cancel=("programs:training_detail", training.pk),
    )


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def attendee_create(request, pk):
    training = selectors.access_training(request.user, pk, detail="nuevo asistente")
    form = AttendeeForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("Register an attendee"),
        subtitle=training.title,
        save=lambda data: services.attendee_register(training=training, by=request.user, **data),
        back=lambda _attendee: ("programs:training_detail", training.pk),
        cancel=("programs:training_detail", training.pk),
    )


IMPORT_SALT = "violeta.programs.import"
IMPORT_MAX_AGE = 3600


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def attendee_import(request, pk):
    """Upload a spreadsheet of attendees: a preview of every row, the bad ones with what is wrong, nothing saved."""
    training = selectors.access_training(request.user, pk, detail="importar asistentes")
    form = ImportForm(request.POST or None, request.FILES or None)
    rows, payload = None, ""
    if request.method == "POST" and form.is_valid():
        already = {
            spreadsheet.fold_name(name) for name in training.attendees.values_list("full_name", flat=True)
        }
        try:
            rows = spreadsheet.read_attendees(form.cleaned_data["file"], already=already)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            good = [row.data for row in rows if row.ok]
            payload = signing.dumps({"training": training.pk, "rows": good}, salt=IMPORT_SALT, compress=True)
    context = {
        "training": training,
        "form": form,
        "rows": rows,
        "good": sum(1 for row in rows or () if row.ok),
        "bad": [row for row in rows or () if not row.ok],
        "payload": payload,
    }
    return render_page(request, "programs/attendee_import.html", context)


@staff_required(PROGRAM_ROLES)
@require_POST
def attendee_import_confirm(request, pk):
    """Register the good rows of the preview the user saw (signed, so nothing else can be slipped in)."""
    training = selectors.access_training(request.user, pk, detail="importar asistentes")
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
        if data.get("training") != training.pk:
            raise signing.BadSignature
    except signing.BadSignature:
        messages.error(request, _("The preview expired or was altered: upload the spreadsheet again."))
        return redirect("programs:attendee_import", pk=training.pk)
    try:
        imported = services.attendees_import(training=training, by=request.user, rows=data["rows"])
    except ValidationError as exc:
        messages.error(
            request,
            _("Nothing was registered: %(why)s Upload the spreadsheet again.")
            % {"why": " ".join(exc.messages)},
        )
        return redirect("programs:attendee_import", pk=training.pk)
    messages.success(
        request,
        ngettext("%(n)s attendee registered.", "%(n)s attendees registered.", len(imported))
        % {"n": len(imported)},
    )
    return redirect("programs:training_detail", pk=training.pk)


@staff_required(PROGRAM_ROLES)
def roll_call(request, pk, session_pk):
    """The roll call of a session, made for a tablet: one tap a person, saved at once (static/programs/roll-call.js)."""
    session = selectors.access_session(request.user, pk, session_pk)
    context = {
        "session": session,
        "training": session.training,
        "rows": selectors.roll_call(request.user, session),
    }
    return render_page(request, "programs/roll_call.html", context)


def roll_call_tap(request, *, mark, row_id, back):
    """Answer one tap of a roll call (training or class). roll-call.js asks for JSON, so the page can say what was
    saved and retry what was not; a tap made before the script ran (a slow tablet) or without JavaScript is a
    plain form post, answered by going back to the roll call with a message, never a page of raw JSON.
    `mark(present)` saves the tap and returns the stored row, or raises ValidationError."""
    wants_json = request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    present = request.POST.get("present")
    try:
        if present not in ("1", "0"):
            raise ValidationError(_("Say whether she was present or not."))
        row = mark(present == "1")
    except ValidationError as exc:
        detail = " ".join(exc.messages)
        if wants_json:
            return JsonResponse({"detail": detail}, status=400)
        messages.error(request, detail)
        return HttpResponseRedirect(back, status=303)
    if wants_json:
        return JsonResponse({"attendee": row_id, "present": row.present})
    # no name in the message: messages may travel in a cookie
    messages.success(
        request, _("Attendance saved: present.") if row.present else _("Attendance saved: absent.")
    )
    return HttpResponseRedirect(back, status=303)


@staff_required(PROGRAM_ROLES)
@require_POST
def attendance_mark(request, pk, session_pk, attendee_pk):
    """One tap of the roll call (roll_call_tap says how it is answered)."""
    session = selectors.access_session(request.user, pk, session_pk)
    attendee = selectors.access_attendee(request.user, session.training, attendee_pk)
    return roll_call_tap(
        request,
        mark=lambda present: services.attendance_mark(
            session=session, attendee=attendee, present=present, by=request.user
        ),
        row_id=attendee.pk,
        back=reverse("programs:roll_call", args=[pk, session.pk]),
    )


# --- Organisations ----------------------------------------------------------------------------------------


@staff_required(PROGRAM_ROLES)
def organization_list(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in OrganizationKind.values else ""
    query = request.GET.get("q", "")[:100]
    page = selectors.organizations_page(request.user, query=query, kind=kind, page=request.GET.get("page"))
    context = {"page": page, "kind": kind, "kinds": OrganizationKind.choices, "query": query}
    return render_page(request, "programs/organization_list.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def organization_create(request):
    form = OrganizationForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("New organisation"),
        save=lambda data: services.organization_create(by=request.user, **data),
        back=lambda organization: ("programs:organization_detail", organization.pk),
        cancel="programs:organization_list",
    )


@staff_required(PROGRAM_ROLES)
def organization_detail(request, pk):
    organization = selectors.access_organization(request.user, pk)
    context = {
        "organization": organization,
        **selectors.organization_history(organization),
        # its visits with their counts only: never who consulted (programs.visit_selectors)
        "visits": visit_selectors.organization_visits(organization),
    }
    return render_page(request, "programs/organization_detail.html", context)


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def organization_edit(request, pk):
    organization = selectors.access_organization(request.user, pk, detail="editar organización")
    fields = OrganizationForm.base_fields
    initial = {name: getattr(organization, name) for name in fields}
    form = OrganizationForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form,
        title=_("Edit organisation"),
        subtitle=organization.name,
        save=lambda data: services.organization_update(organization=organization, by=request.user, **data),
        back=lambda saved: ("programs:organization_detail", saved.pk),
        cancel=("programs:organization_detail", organization.pk),
    )


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    organization = selectors.access_organization(request.user, pk, detail="nuevo contacto")
    form = ContactForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("New contact"),
        subtitle=organization.name,
        save=lambda data: services.organization_contact_add(
            organization=organization, by=request.user, **data
        ),
        back=lambda _contact: ("programs:organization_detail", organization.pk),
        cancel=("programs:organization_detail", organization.pk),
    )


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def agreement_create(request, pk):
    organization = selectors.access_organization(request.user, pk, detail="nuevo convenio")
    form = AgreementForm(request.POST or None)
    return _form_page(
        request,
        form,
        title=_("New agreement"),
        subtitle=organization.name,
        save=lambda data: services.agreement_add(organization=organization, by=request.user, **data),
        back=lambda _agreement: ("programs:organization_detail", organization.pk),
        cancel=("programs:organization_detail", organization.pk),
    )


# --- Questionnaires before and after ------------------------------------------------------------------------


@staff_required(PROGRAM_ROLES)
def topic_list(request):
    topics = Topic.objects.annotate(question_count=Count("questions", filter=Q(questions__is_active=True)))
    return render_page(request, "programs/topic_list.html", {"topics": topics})


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def topic_detail(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(
                topic=topic,
                by=request.user,
                text=form.cleaned_data["text"],
                options=form.options(),
                correct=form.cleaned_data["correct"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Question added."))
            return redirect("programs:topic_detail", pk=topic.pk)
    questions = topic.questions.filter(is_active=True).prefetch_related("options")
    return render_page(
        request, "programs/topic_detail.html", {"topic": topic, "questions": questions, "form": form}
    )


@staff_required(PROGRAM_ROLES)
@require_http_methods(["GET", "POST"])
def questionnaire(request, pk, phase):
    """Typing in the answers on paper, one attendee at a time, before or after the training."""
    if phase not in Phase.values:
        raise Http404
    training = selectors.access_training(request.user, pk, detail=f"cuestionario {phase}")
    questions = services.questionnaire_of(training)
    status = selectors.questionnaire_status(request.user, training, phase)
    attendee, form = None, None
    chosen = request.POST.get("attendee") or request.GET.get("attendee")
    if chosen and str(chosen).isdigit():
        attendee = selectors.access_attendee(request.user, training, int(chosen))
        previous = next((response for a, response in status if a.pk == attendee.pk), None)
        form = AnswersForm(
            request.POST or None, questions=questions, initial_answers=previous.answers if previous else None
        )
        if request.method == "POST" and form.is_valid():
            try:
                response = services.questionnaire_record(
                    attendee=attendee, phase=phase, answers=form.answers(), by=request.user
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s: %(score)s of %(out_of)s right.")
                    % {"name": attendee.full_name, "score": response.score, "out_of": response.out_of},
                )
                following = next((a for a, r in status if r is None and a.pk != attendee.pk), None)
                url = reverse("programs:questionnaire", args=[training.pk, phase])
                return redirect(f"{url}?attendee={following.pk}" if following else url)
    context = {
        "training": training,
        "phase": phase,
        "phase_label": Phase(phase).label,
        "questions": questions,
        "status": status,
        "attendee": attendee,
        "form": form,
    }
    return render_page(request, "programs/questionnaire.html", context)


# --- The staff's own training -------------------------------------------------------------------------------


@staff_required(STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def staff_training(request):
    """Her own professionalisation record, and a form to add to it; the director sees the whole team's."""
    form = StaffTrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_training_record(staff=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("programs:staff_training")
    records = selectors.staff_training_records(request.user)
    team = {}
    for record in records:
        team.setdefault(record.staff, []).append(record)
    totals = {staff: sum(r.hours for r in rows) for staff, rows in team.items()}
    context = {"form": form, "team": [(staff, rows, totals[staff]) for staff, rows in team.items()]}
    return render_page(request, "programs/staff_training.html", context)
