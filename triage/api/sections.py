"""What triage adds to the application API: a "triage" section in the application detail and a
"lane" list filter, registered with planning.api.extensions from TriageConfig.ready().
AI output (findings) and human decisions (reviews) are shown apart."""

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError

from planning.models import PlanningApplication
from triage import runs
from triage.models import Finding, Lane
from triage.reviews import latest_review
from triage.validation import MET_PREFIX
from triage.vocabulary import POLICY_CONFLICT, POLICY_ENGAGED


def _finding(finding: Finding) -> dict:
    review = latest_review(finding)  # uses the prefetched reviews: no query per finding
    evidence: dict = {"source": finding.source}
    if finding.source == "spatial":
        evidence |= {
            "dataset": finding.dataset,
            "layer_source": finding.layer_source,
            "entity": finding.entity,
            "name": finding.feature_name,
            "relation": finding.relation,
            "overlap_area_m2": finding.overlap_area_m2,
            "site_share_pct": finding.site_share_pct,
            "distance_m": finding.distance_m,
            "grazes": finding.grazes,
        }
    elif finding.document_id:
        evidence |= {
            "document": finding.document_id,
            "page": finding.page_number,
            "quote": finding.quote,
        }
    elif finding.code.startswith(MET_PREFIX) and finding.attributes.get("document_key"):
        # Met by a document recognised by its type or name: there is no quote to show.
        evidence["document"] = int(finding.attributes["document_key"])
    if finding.code in (POLICY_CONFLICT, POLICY_ENGAGED):
        # Both sides: the site (spatial fields above, or in words) and the proposal (the quote
        # above, or in words), and the policy as it was loaded when the finding was made.
        evidence["site"] = finding.attributes.get("site_evidence", "")
        evidence["proposal"] = finding.attributes.get("proposal_evidence", "")
        if finding.dataset:
            evidence |= {"dataset": finding.dataset, "entity": finding.entity}
        policy = finding.policy
        evidence["policy"] = {
            "citation": finding.attributes.get("citation", ""),
            "quote": finding.policy_quote,
            "text": policy.text if policy else "",
            "version": policy.version if policy else None,
            "current": policy.current if policy else None,
            "summary": policy.is_summary if policy else None,
        }
    return {
        "id": finding.pk,
        "code": finding.code,
        "value": finding.value,
        "attributes": finding.attributes,
        "title": finding.title,
        "detail": finding.detail,
        "origin": finding.origin,
        "engine": finding.engine,
        # What supports it, not a probability (triage.vocabulary.Strength).
        "strength": finding.strength,
        "strength_label": finding.get_strength_display(),
        "evidence": evidence,
        "review": None
        if review is None
        else {
            "decision": review.decision,
            "amended_value": review.amended_value,
            "reason": review.reason,
            "by": review.reviewer_name,
            "at": review.created_at.isoformat(),
            # The officer reviewed the same finding (code, value, evidence) in an earlier run.
            "carried_over": review.carried_from_id is not None,
        },
    }


def _model_usage(run) -> dict | None:
    """What the run asked of the model server (None for the rules engine): the model, the
    prompt's version, answers, the client's retries, tokens in and out, and seconds waited."""
    if not run.model:
        return None
    return {
        "model": run.model,
        "prompt_version": run.prompt_version,
        **run.model_usage.as_dict(),
    }


def triage_section(application: PlanningApplication) -> dict | None:
    latest = runs.latest_run(application)
    if latest is None:
        return None
    finished = runs.latest_finished_run(application)
    section = {
        "latest_run": {
            "version": latest.version,
            "status": latest.status,
            "engine": latest.engine,
            "error": latest.error,
            "model_usage": _model_usage(latest),
        },
        "result": None,
    }
    if finished is not None:
        section["result"] = {
            "version": finished.version,
            "lane": finished.lane,
            "team": finished.team,
            "priority_score": finished.priority_score,
            "reasons": finished.reasons,
            "dropped_quotes": finished.dropped_quotes,
            "finished_at": finished.finished_at.isoformat() if finished.finished_at else None,
            "findings": [
                _finding(f)
                for f in finished.findings.select_related("policy").prefetch_related("reviews")
            ],
        }
    # What officers found that the engines missed: kept whatever later runs find.
    section["officer_findings"] = [
        {
            "id": finding.pk,
            "code": finding.code,
            "value": finding.value,
            "title": finding.title,
            "detail": finding.detail,
            "by": finding.created_by.get_username() if finding.created_by else "",
            "at": finding.created_at.isoformat(),
        }
        for finding in application.findings.filter(run__isnull=True)
        .select_related("created_by")
        .order_by("id")
    ]
    return section


def filter_by_lane(queryset: QuerySet[PlanningApplication], lane: str) -> QuerySet:
    """Applications whose latest finished triage run put them in `lane`."""
    if lane not in Lane.values:
        raise ValidationError({"lane": [f"Use one of {', '.join(Lane.values)}."]})
    # The summary holds the lane of the latest finished run (triage.summaries).
    return queryset.filter(triage__lane=lane)
