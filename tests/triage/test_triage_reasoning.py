"""Triage's reasoning end to end through a run: policy conflicts saved with the policy row they
cite (kept across a policy reload), missing documents from a council's list as its
administrator edited it, specialist lanes, and the deadline raising a case in the queue."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from planning.services import ensure_user
from policies.files import DATA
from policies.models import Policy, ValidationRequirement
from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory, load_polygon_layer
from tests.triage.test_runs import AROUND_SITE, run_now
from triage import reviews
from triage.models import TriageSummary
from triage.summaries import refresh_deadline_bands

HERITAGE = b"Heritage statement. The garage makes no contribution to the conservation area."
FORM = b"Application form. Certificate of Ownership - Certificate A. Location plan attached."


def load(command, *args):
    call_command(command, *args, stdout=StringIO())


@pytest.fixture
def policies(southwark):
    load("load_policies")
    load("load_validation_requirements")


@pytest.fixture
def garage_in_a_conservation_area(southwark, policies, tmp_path):
    load_polygon_layer(
        tmp_path, dataset="conservation-area", name="Camberwell Grove", wkt_27700=AROUND_SITE
    )
    application = PlanningApplicationFactory(
        council=southwark,
        application_type="pp.full.householder",
        description="Demolition of the existing garage.",
    )
    DocumentFactory(application=application, original_filename="location-plan.txt",
                    content=b"Location plan", document_type="locationPlan")  # fmt: skip
    DocumentFactory(application=application, original_filename="application-form.txt", content=FORM)
    DocumentFactory(
        application=application, original_filename="heritage-statement.txt", content=HERITAGE
    )
    return application


def test_a_run_saves_each_policy_with_the_policy_row_it_cites(garage_in_a_conservation_area):
    run = run_now(garage_in_a_conservation_area)

    assert not run.findings.filter(code="conflict.policy").exists()  # to weigh, not against
    conflicts = run.findings.filter(code="engaged.policy").order_by("id")
    assert [c.value for c in conflicts] == [
        "nppf-2024:212",
        "nppf-2024:220",
        "southwark-plan-2022:P20",
    ]
    p20 = conflicts.get(value="southwark-plan-2022:P20")
    assert p20.policy == Policy.objects.get(reference="P20", current=True)
    assert p20.policy_quote == p20.policy.text.split(".")[0] + "."
    assert (p20.dataset, p20.feature_name) == ("conservation-area", "Camberwell Grove")
    assert p20.attributes["proposal_evidence"] == (
        "the description of development says \u201cDemolition of the existing garage\u201d"
    )
    assert not run.findings.filter(code__startswith="missing_document.").exists()
    assert (run.lane, run.team) == ("specialist", "heritage")
    summary = TriageSummary.objects.get(application=garage_in_a_conservation_area)
    assert (summary.lane, summary.team, summary.lane_rank) == ("specialist", "heritage", 1)
    event = garage_in_a_conservation_area.events.get(kind="triage_finished")
    assert event.summary.startswith("Triage v1 finished: specialist (heritage team), score")


def test_a_policy_reload_keeps_what_an_earlier_finding_cited(
    garage_in_a_conservation_area, officer, tmp_path
):
    first = run_now(garage_in_a_conservation_area)
    old_p20 = first.findings.get(value="southwark-plan-2022:P20")
    nppf_212 = first.findings.get(value="nppf-2024:212")
    for finding in (old_p20, nppf_212):
        reviews.review_finding(finding, decision="accepted", reviewer=officer, reviewer_name="a")
    changed = tmp_path / "southwark-plan-2022.toml"
    changed.write_text(
        (DATA / "southwark-plan-2022.toml")
        .read_text()
        .replace("should preserve or enhance its character", "must preserve its character")
    )
    load("load_policies", "--local", str(changed))

    second = run_now(garage_in_a_conservation_area, trigger="policy reloaded")

    new_p20 = second.findings.get(value="southwark-plan-2022:P20")
    assert new_p20.policy_id != old_p20.policy_id
    assert "must preserve its character" in new_p20.policy.text
    old_p20.refresh_from_db()
    assert "should preserve or enhance its character" in old_p20.policy.text
    assert old_p20.policy.current is False
    # A review carries over to the same policy text, not to a changed one.
    assert second.findings.get(value="nppf-2024:212").reviews.exists()
    assert not new_p20.reviews.exists()


def test_a_local_requirement_changed_in_the_admin_applies_to_the_next_run(
    southwark, policies, client
):
    admin = ensure_user("southwark-admin", council=southwark, role="admin", password="pw-1-a-b")
    client.force_login(admin)
    requirement = ValidationRequirement.objects.get(council=southwark, key="cil-form-floorspace")
    url = f"/admin/policies/validationrequirement/{requirement.pk}/change/"
    response = client.post(
        url,
        {
            "key": requirement.key,
            "document": requirement.document,
            "title": requirement.title,
            "reason": "50 m² or more of new floorspace needs the CIL form in Southwark.",
            "source": requirement.source,
            "active": "on",
            "application_types": "pp.",
            "min_floorspace_m2": "50",
            "file_name_words": "cil",
        },
    )
    assert response.status_code == 302
    application = PlanningApplicationFactory(
        council=southwark,
        application_type="pp.full.householder",
        description="Single storey rear extension.",
        floorspace_m2=60,
    )
    DocumentFactory(application=application, original_filename="application-form.txt", content=FORM)
    DocumentFactory(application=application, original_filename="location-plan.txt",
                    content=b"Location plan")  # fmt: skip

    run = run_now(application)

    cil = run.findings.get(code="missing_document.cil_form")
    assert cil.attributes["rule"] == "cil-form-floorspace"
    assert cil.attributes["list"] == "London Borough of Southwark local list"
    assert cil.attributes["why"] == "60 m² of new floorspace (given by the application)"
    assert "50 m² or more of new floorspace needs the CIL form" in cil.detail
    assert run.lane == "needs-attention"


def test_the_deadline_raises_an_application_within_its_lane(southwark, policies):
    today = datetime.date.today()
    soon = PlanningApplicationFactory(
        council=southwark,
        description="Rear extension.",
        valid_date=today - datetime.timedelta(weeks=8) + datetime.timedelta(days=5),
    )
    later = PlanningApplicationFactory(
        council=southwark, description="Rear extension.", valid_date=today
    )
    for application in (soon, later):
        DocumentFactory(
            application=application, original_filename="application-form.txt", content=FORM
        )
        run_now(application)
    at_risk, relaxed = (TriageSummary.objects.get(application=a) for a in (soon, later))
    assert at_risk.lane == relaxed.lane
    assert at_risk.deadline_band == "at-risk" and relaxed.deadline_band == "later"
    assert at_risk.priority_score == relaxed.priority_score + 30
    assert at_risk.result_run.priority_score == relaxed.result_run.priority_score

    # Days pass: the band is refreshed without triaging again.
    assert refresh_deadline_bands(today=today + datetime.timedelta(days=6)) == 1
    at_risk.refresh_from_db()
    assert at_risk.deadline_band == "overdue"
    assert at_risk.priority_score == relaxed.priority_score + 40
    assert soon.triage_runs.count() == 1  # not triaged again


def test_the_api_gives_each_conflict_both_sides_and_the_policy_it_cited(
    garage_in_a_conservation_area,
):
    from triage.api.sections import triage_section

    run_now(garage_in_a_conservation_area)
    result = triage_section(garage_in_a_conservation_area)["result"]

    assert (result["lane"], result["team"]) == ("specialist", "heritage")
    (p20,) = [f for f in result["findings"] if f["value"] == "southwark-plan-2022:P20"]
    evidence = p20["evidence"]
    assert evidence["dataset"] == "conservation-area"
    assert evidence["site"].startswith("The site is inside conservation area Camberwell Grove")
    assert evidence["proposal"] == (
        "the description of development says \u201cDemolition of the existing garage\u201d"
    )
    policy = evidence["policy"]
    assert policy["citation"] == "Southwark Plan 2022 policy P20 Conservation areas"
    assert policy["quote"] in policy["text"]
    assert (policy["version"], policy["current"], policy["summary"]) == (1, True, True)
