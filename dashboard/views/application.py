"""The application page and what an officer does there: review findings, add one, record
dates and the decision, assign, re-run triage. Views parse the form and call one service;
a refused change re-draws the page with the officer's input and the reason."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from dashboard import application_page, queue
from dashboard.forms import (
    AssignForm,
    DecisionForm,
    ExtensionForm,
    OfficerFindingForm,
    ValidDateForm,
    review_form_for,
)
from dashboard.site_history_page import history_for_page
from dashboard.views.common import council_officers, require_council_user, summary_errors
from planning import deadlines
from planning.access import application_for_user, is_manager
from planning.exports import csv_response
from planning.models import PlanningApplication
from planning.services import (
    Actor,
    StaleChange,
    UpdateRefused,
    assign_application,
    can_reassign,
    record_decision,
    statutory_facts,
    update_application,
)
from triage import reviews
from triage.consultee_list import consultees_table
from triage.models import Finding, RunStatus, TriageSummary
from triage.runs import start_triage
from triage.summaries import current_reasons


def _summary(application: PlanningApplication) -> TriageSummary | None:
    return (
        TriageSummary.objects.filter(application=application)
        .select_related("latest_run", "result_run")
        .first()
    )


def _render(request, application: PlanningApplication, *, status: int = 200, **bound):
    """The page, with any form the officer just sent (and its errors) in place of a blank one."""
    summary = _summary(application)
    facts = statutory_facts(application)
    officers = council_officers(request.user)
    revision = {"revision": application.revision}
    forms = {
        "valid_form": bound.pop("valid_form", None) or ValidDateForm(initial=revision),
        "extension_form": bound.pop("extension_form", None)
        or ExtensionForm(
            initial=revision
            | {
                "extension_of_time_until": application.extension_of_time_until,
                "performance_agreement": application.performance_agreement,
            }
        ),
        "decision_form": bound.pop("decision_form", None) or DecisionForm(initial=revision),
        "assign_form": bound.pop("assign_form", None)
        or AssignForm(
            initial=revision | {"officer": application.assigned_officer_id}, officers=officers
        ),
        "finding_form": bound.pop("finding_form", None) or OfficerFindingForm(),
    }
    failed_review = bound.pop("review_form", None)
    failed_finding_id = bound.pop("review_finding_id", None)
    errors = bound.pop("errors", [])
    for form in forms.values():
        if form.is_bound:
            errors = errors + summary_errors(form)
    if failed_review is not None:
        errors = errors + summary_errors(failed_review)
    groups = application_page.finding_groups(application, summary)
    for group in groups:
        for item in group.findings:
            if failed_review is not None and item.finding.pk == failed_finding_id:
                item.form = failed_review
            else:
                item.form = review_form_for(item.finding.code)(
                    prefix=f"f{item.finding.pk}",
                    initial={"expected_review": item.review.pk if item.review else None},
                )
    running = summary is not None and summary.latest_status in (
        RunStatus.QUEUED,
        RunStatus.RUNNING,
    )
    context = {
        "application": application,
        "facts": facts,
        "type": queue.type_label(application.application_type),
        "summary": summary,
        "result": summary.result_run if summary else None,
        "reasons": current_reasons(summary, application),
        "running": running,
        "groups": groups,
        "strength_guide": application_page.strength_guide(),
        "finding_count": sum(len(group.findings) for group in groups),
        "timeline": application_page.timeline(application),
        "history": history_for_page(application),
        "documents": application.documents.all(),
        "errors": errors,
        "can_reassign": can_reassign(request.user),
        "is_manager": is_manager(request.user),
        "at_risk_days": deadlines.at_risk_days(),
        "map_url": reverse("dashboard:application-map", args=[application.pk]),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        **forms,
        **bound,
    }
    return render(request, "dashboard/application.html", context, status=status)


@login_required
@require_council_user
@require_GET
def application_detail(request, pk: int):
    return _render(request, application_for_user(request.user, pk))


def _back(application: PlanningApplication, anchor: str = "") -> str:
    url = reverse("dashboard:application", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _refused(request, application, form, refused: UpdateRefused, form_name: str):
    """Put a service's refusal on the form's field (or the form) and re-draw the page."""
    field = refused.field if refused.field in form.fields else None
    if isinstance(refused, StaleChange):
        field = None
    form.add_error(field, str(refused))
    application.refresh_from_db()
    return _render(request, application, status=409 if field is None else 422, **{form_name: form})


def _change(request, application, form, form_name: str, change, *, fields=None):
    """The one path of the forms that change an application: check the form, make the change
    through its service (`change(cleaned_data)` returns the success message), and answer with
    the page again and the reasons (nothing saved) or a redirect. `fields` maps the service's
    names for what it refused to the form's fields."""
    if not form.is_valid():
        return _render(request, application, status=422, **{form_name: form})
    try:
        message = change(form.cleaned_data)
    except UpdateRefused as refused:
        refused.field = (fields or {}).get(refused.field, refused.field)
        return _refused(request, application, form, refused, form_name)
    messages.success(request, message)
    return redirect(_back(application))


@login_required
@require_council_user
@require_POST
def record_valid_date(request, pk: int):
    application = application_for_user(request.user, pk)

    def change(data):
        update_application(
            application,
            valid_date=data["valid_date"],
            actor=Actor.of(request.user),
            expected_revision=data["revision"],
        )
        return "The valid date is recorded; the statutory clock has started."

    return _change(request, application, ValidDateForm(request.POST), "valid_form", change)


@login_required
@require_council_user
@require_POST
def record_extension(request, pk: int):
    application = application_for_user(request.user, pk)

    def change(data):
        update_application(
            application,
            extension_of_time_until=data["extension_of_time_until"],
            performance_agreement=data["performance_agreement"],
            actor=Actor.of(request.user),
            expected_revision=data["revision"],
        )
        return "The agreed determination date is recorded."

    return _change(request, application, ExtensionForm(request.POST), "extension_form", change)


@login_required
@require_council_user
@require_POST
def record_decision_view(request, pk: int):
    application = application_for_user(request.user, pk)

    def change(data):
        record_decision(
            application,
            outcome=data["outcome"],
            decision_date=data["decision_date"],
            level=data["level"],
            actor=Actor.of(request.user),
            expected_revision=data["revision"],
        )
        return f"The decision on {application.reference} is recorded."

    return _change(
        request,
        application,
        DecisionForm(request.POST),
        "decision_form",
        change,
        fields={"decision": "outcome", "decision_level": "level"},
    )


@login_required
@require_council_user
@require_POST
def assign(request, pk: int):
    application = application_for_user(request.user, pk)
    if not can_reassign(request.user):
        message = "Only a manager can assign work to someone else."
        return _render(request, application, status=403, errors=[("", message)])

    def change(data):
        officer = data["officer"]
        assign_application(
            application, officer, by=request.user, expected_revision=data["revision"]
        )
        who = (officer.get_full_name() or officer.username) if officer else "nobody"
        return f"{application.reference} is now assigned to {who}."

    form = AssignForm(request.POST, officers=council_officers(request.user))
    return _change(
        request,
        application,
        form,
        "assign_form",
        change,
        fields={"assigned_officer": "officer"},
    )


@login_required
@require_council_user
@require_POST
def review(request, pk: int, finding_id: int):
    application = application_for_user(request.user, pk)
    finding = Finding.objects.filter(application=application, pk=finding_id).first()
    if finding is None:
        messages.error(request, "That finding is no longer part of this application.")
        return redirect(_back(application))
    form_class = review_form_for(finding.code)
    form = form_class(request.POST, prefix=f"f{finding.pk}")
    if not form.is_valid():
        return _render(
            request, application, status=422, review_form=form, review_finding_id=finding.pk
        )
    data = form.cleaned_data
    try:
        recorded = reviews.review_finding(
            finding,
            decision=data["decision"],
            reason=data["reason"],
            amended_value=data["amended_value"],
            reviewer=request.user,
            reviewer_name=request.user.get_full_name() or request.user.username,
            expected_review=data["expected_review"],
        )
    except reviews.ReviewInvalid as invalid:
        form.add_error(invalid.field if invalid.field in form.fields else None, str(invalid))
        return _render(
            request, application, status=422, review_form=form, review_finding_id=finding.pk
        )
    except reviews.ReviewConflict as conflict:
        # The officer has now seen the other review: sending the form again overrides it.
        seen = request.POST.copy()
        seen[form.add_prefix("expected_review")] = str(conflict.current.pk)
        form = form_class(seen, prefix=f"f{finding.pk}")
        form.is_valid()
        form.add_error(None, str(conflict))
        return _render(
            request, application, status=409, review_form=form, review_finding_id=finding.pk
        )
    except reviews.FindingReplaced as replaced:
        messages.error(request, str(replaced))
        return redirect(_back(application, "findings"))
    note = "" if recorded.finding_id == finding.pk else " (on the same finding in the new result)"
    messages.success(request, f"Review saved{note}: {recorded.get_decision_display().lower()}.")
    return redirect(_back(application, f"finding-{recorded.finding_id}"))


@login_required
@require_council_user
@require_POST
def add_finding(request, pk: int):
    application = application_for_user(request.user, pk)
    form = OfficerFindingForm(request.POST)
    if not form.is_valid():
        return _render(request, application, status=422, finding_form=form)
    try:
        finding = reviews.add_officer_finding(
            application,
            code=form.cleaned_data["code"],
            title=form.cleaned_data["title"],
            detail=form.cleaned_data["detail"],
            officer=request.user,
        )
    except reviews.ReviewInvalid as invalid:
        form.add_error(invalid.field if invalid.field in form.fields else None, str(invalid))
        return _render(request, application, status=422, finding_form=form)
    messages.success(request, "Your finding is added.")
    return redirect(_back(application, f"finding-{finding.pk}"))


@login_required
@require_council_user
@require_POST
def rerun(request, pk: int):
    application = application_for_user(request.user, pk)
    who = request.user.get_full_name() or request.user.username
    run = start_triage(application, trigger=f"re-run by {who}")
    messages.success(
        request,
        f"Triage v{run.version} has started. Reviews of findings it finds again are carried over.",
    )
    return redirect(_back(application, "triage-progress"))


@login_required
@require_council_user
@require_GET
def consultees_csv(request, pk: int):
    """The application's consultees with their status, for the council's back office."""
    application = application_for_user(request.user, pk)
    filename = f"{application.council.code}-{slugify(application.reference)}-consultees.csv"
    return csv_response(consultees_table(application), filename, byte_order_mark=True)


@login_required
@require_council_user
@require_GET
def triage_status(request, pk: int):
    """The latest run's state, for the page's progress line (polled by a script)."""
    application = application_for_user(request.user, pk)
    summary = _summary(application)
    latest = summary.latest_run if summary else None
    return JsonResponse(
        {
            "version": latest.version if latest else None,
            "status": latest.status if latest else None,
            "done": latest is None or latest.status in (RunStatus.SUCCEEDED, RunStatus.FAILED),
            "checked_at": timezone.now().isoformat(),
        }
    )
