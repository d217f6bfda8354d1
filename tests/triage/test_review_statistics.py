"""What officers made of the findings (triage.review_statistics): each judgement counted once,
on the current result; carried-over reviews dated from the officer's own review."""

import datetime

import pytest

from planning.models import PlanningApplication
from planning.statistics import applications, decode_where
from tests.factories import PlanningApplicationFactory, UserFactory
from triage import review_statistics, reviews
from triage.models import Finding, FindingReview, FindingSource, RunStatus, TriageRun
from triage.summaries import refresh_summary
from triage.vocabulary import Origin

UTC = datetime.UTC
VALID = datetime.date(2026, 6, 1)
CONSERVATION = "constraint.conservation_area"
FLOOD = "constraint.flood_zone"
LOCATION_PLAN = "missing_document.location_plan"
LLM = "llm:small-model@extract-v3"


def finish_run(application, findings, lane="standard", at=None):
    """A run that succeeded with these (code, engine) findings, as triage.pipeline finishes one:
    reviews of the same findings carried over from the previous result (dated `at`, UTC), the
    summary updated."""
    previous = application.triage_runs.filter(status=RunStatus.SUCCEEDED).first()
    run = TriageRun.objects.create(
        application=application,
        version=application.triage_runs.count() + 1,
        status=RunStatus.SUCCEEDED,
        engine="rules",
        lane=lane,
    )
    created = [
        Finding.objects.create(
            application=application,
            run=run,
            code=code,
            value="present",
            title=code,
            source=FindingSource.DOCUMENT,
            origin=Origin.MODEL if engine.startswith("llm") else Origin.RULES,
            engine=engine,
        )
        for code, engine in findings
    ]
    reviews.carry_over_reviews(previous, created)
    if at is not None:
        FindingReview.objects.filter(finding__in=created).update(created_at=at)
    refresh_summary(application.pk)
    return created


def review(finding, decision, at, officer):
    """An officer's review, dated `at` (UTC)."""
    extra = {}
    if decision != "accepted":
        extra["reason"] = "Checked on site."
    if decision == "amended":
        extra["amended_value"] = "absent"
    made = reviews.review_finding(
        finding, decision=decision, reviewer=officer, reviewer_name=officer.username, **extra
    )
    FindingReview.objects.filter(pk=made.pk).update(created_at=at)
    return made


def caseload(council):
    """Three applications valid on 1 June 2026 (British Summer Time):

    - one triaged three times. Run 1: a conservation-area finding, accepted late on 10 June
      (00:30 on 11 June in London: day 10), and a missing location plan, rejected. Run 2, on
      15 June, finds the conservation area again (the acceptance is carried over) and a flood
      zone, rejected on 20 June (day 19). Run 3, on 22 June, finds both again (both reviews
      carried), and the flood zone is amended on 25 June. An officer also adds an Article 4
      finding and accepts it;
    - one whose conservation-area finding is accepted on 21 June (day 20);
    - one whose conservation-area finding nobody has reviewed yet.
    """
    officer = UserFactory(council=council)
    first, second, third = (
        PlanningApplicationFactory(council=council, valid_date=VALID, received_date=VALID)
        for _ in range(3)
    )
    conservation, location_plan = finish_run(
        first, [(CONSERVATION, "rules"), (LOCATION_PLAN, "rules")]
    )
    review(conservation, "accepted", datetime.datetime(2026, 6, 10, 23, 30, tzinfo=UTC), officer)
    review(location_plan, "rejected", datetime.datetime(2026, 6, 10, 9, 0, tzinfo=UTC), officer)
    run_2_at = datetime.datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
    _, flood = finish_run(first, [(CONSERVATION, "rules"), (FLOOD, LLM)], at=run_2_at)
    review(flood, "rejected", datetime.datetime(2026, 6, 20, 9, 0, tzinfo=UTC), officer)
    run_3_at = datetime.datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
    _, flood = finish_run(first, [(CONSERVATION, "rules"), (FLOOD, LLM)], at=run_3_at)
    review(flood, "amended", datetime.datetime(2026, 6, 25, 9, 0, tzinfo=UTC), officer)
    added = reviews.add_officer_finding(
        first,
        code="constraint.article_4",
        title="Article 4 direction",
        detail="The council's Article 4 map covers the street.",
        officer=officer,
    )
    review(added, "accepted", datetime.datetime(2026, 6, 2, 9, 0, tzinfo=UTC), officer)

    (accepted,) = finish_run(second, [(CONSERVATION, "rules")])
    review(accepted, "accepted", datetime.datetime(2026, 6, 21, 9, 0, tzinfo=UTC), officer)
    finish_run(third, [(CONSERVATION, "rules")])


def southwark_applications(council):
    return PlanningApplication.objects.filter(council=council)


def test_it_counts_each_judgement_once_on_the_current_result(southwark):
    caseload(southwark)

    result = review_statistics.review_statistics(southwark_applications(southwark))

    checks = {(check.code, check.engine): check for check in result.checks}
    # The rejected location plan belongs to a run since replaced: not counted.
    assert set(checks) == {(CONSERVATION, "rules"), (FLOOD, LLM)}
    conservation = checks[(CONSERVATION, "rules")]
    assert (conservation.findings, conservation.reviewed, conservation.unreviewed) == (3, 2, 1)
    assert (conservation.accepted, conservation.rejected, conservation.amended) == (2, 0, 0)
    assert conservation.accepted_share == 1.0
    flood = checks[(FLOOD, LLM)]
    # The latest review counts: rejected, then amended.
    assert (flood.findings, flood.accepted, flood.rejected, flood.amended) == (1, 0, 0, 1)
    assert (flood.amended_share, flood.rejected_share) == (1.0, 0.0)
    assert [(added.code, added.findings) for added in result.officer_added] == [
        ("constraint.article_4", 1)
    ]


def test_it_times_the_first_review_from_the_officers_own_review(southwark):
    caseload(southwark)

    checks = {
        (check.code, check.engine): check
        for check in review_statistics.review_statistics(southwark_applications(southwark)).checks
    }

    # Carried twice, yet dated from the acceptance at 00:30 on 11 June in London: day 10;
    # the second application's on day 20.
    conservation = checks[(CONSERVATION, "rules")]
    assert conservation.days_to_first_review_median == pytest.approx(15.0)
    assert conservation.days_to_first_review_mean == pytest.approx(15.0)
    # First reviewed (rejected) on day 19, carried into run 3, amended on day 24.
    flood = checks[(FLOOD, LLM)]
    assert flood.days_to_first_review_median == pytest.approx(19.0)


def test_it_has_no_times_before_any_review(southwark):
    application = PlanningApplicationFactory(council=southwark, valid_date=VALID)
    finish_run(application, [(CONSERVATION, "rules")])

    (check,) = review_statistics.review_statistics(southwark_applications(southwark)).checks

    assert (check.findings, check.reviewed, check.unreviewed) == (1, 0, 1)
    assert check.accepted_share is None and check.days_to_first_review_median is None


def test_it_never_mixes_two_councils(southwark, trafford):
    caseload(southwark)
    caseload(trafford)

    result = review_statistics.review_statistics(southwark_applications(southwark))

    checks = {(check.code, check.engine): check for check in result.checks}
    assert checks[(CONSERVATION, "rules")].findings == 3
    assert checks[(FLOOD, LLM)].findings == 1
    assert result.officer_added[0].findings == 1


def test_it_breaks_the_backlog_down_by_lane(southwark, trafford):
    today = datetime.date(2026, 6, 20)
    for council in (southwark, trafford):
        for lane in ("fast-track", "fast-track", "needs-attention"):
            application = PlanningApplicationFactory(
                council=council, valid_date=VALID, status="valid"
            )
            finish_run(application, [], lane=lane)
        PlanningApplicationFactory(council=council, valid_date=VALID, status="valid")
        waiting = PlanningApplicationFactory(council=council, valid_date=VALID, status="valid")
        refresh_summary(waiting.pk)  # a summary without a lane: its first run has not finished

    groups = review_statistics.backlog_by_lane(southwark_applications(southwark), today=today)

    assert [(group.key, group.label, group.open.count) for group in groups] == [
        ("fast-track", "Fast track", 2),
        ("needs-attention", "Needs attention", 1),
        (None, "Not triaged yet", 2),
    ]
    for group in groups:
        where = decode_where(group.open.query, review_statistics.FILTER_LOOKUPS)
        listed = applications(southwark_applications(southwark), where)
        assert listed.count() == group.open.count
