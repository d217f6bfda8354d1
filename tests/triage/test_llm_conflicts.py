"""The llm engine's policy conflicts against the fake model server: it is given only the few
policies the rules select, answers schema-bound, and only conflicts whose two quotes verify are
kept; officers see them apart from the rules' conflicts."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import PlanningApplicationFactory, UserFactory
from tests.triage.factories import DocumentFactory, load_polygon_layer
from tests.triage.fake_model_server import FakeModelServer, finding
from tests.triage.test_runs import AROUND_SITE
from triage import pipeline, runs
from triage.extractors.llm_conflicts import CONFLICT_PROMPT_VERSION
from triage.models import RunStatus

STATEMENT = (
    "The site lies within the Camberwell Grove Conservation Area. "
    "The existing garage will be demolished."
)
BITES = "great weight should be given to the asset\u2019s conservation"


@pytest.fixture
def model_server(settings):
    with FakeModelServer() as server:
        settings.LLM_BASE_URL = server.base_url
        settings.LLM_MODEL = "fake-model"
        settings.LLM_API_KEY = "test-key"
        settings.LLM_TIMEOUT_SECONDS = 2.0
        yield server


@pytest.fixture
def application(southwark, tmp_path):
    call_command("load_policies", stdout=StringIO())
    load_polygon_layer(
        tmp_path, dataset="conservation-area", name="Camberwell Grove", wkt_27700=AROUND_SITE
    )
    app = PlanningApplicationFactory(council=southwark, description="Demolition of a garage.")
    app.statement = DocumentFactory(
        application=app, original_filename="statement.txt", content=STATEMENT.encode()
    )
    return app


def conflict(policy, answer, policy_quote, document, application_quote, page=1):
    return {
        "policy": policy,
        "conflicts": answer,
        "policy_quote": policy_quote,
        "document": document,
        "page": page,
        "application_quote": application_quote,
        "reason": "Demolition in a conservation area must be justified.",
    }


def test_the_model_judges_the_selected_policies_and_only_verified_conflicts_are_kept(
    model_server, application, southwark, client
):
    key = str(application.statement.pk)
    model_server.replies += [
        (
            "json",
            {
                "findings": [
                    finding("proposal.demolition", "yes", "The existing garage will be demolished.")
                ]
            },
        ),
        (
            "json",
            {
                "conflicts": [
                    conflict("nppf-2024:212", "yes", BITES, key, "garage will be demolished"),
                    # An invented policy quote: dropped and counted.
                    conflict(
                        "southwark-plan-2022:P20",
                        "yes",
                        "Demolition is never allowed",
                        key,
                        "The existing garage will be demolished.",
                    ),
                    # A quote that is not on the page: dropped and counted.
                    conflict(
                        "nppf-2024:220",
                        "yes",
                        "Loss of a building (or other element)",
                        key,
                        "The garage is a fine building.",
                    ),
                    conflict("nppf-2024:219", "no", "", "description", ""),
                ]
            },
        ),
    ]

    run = runs.start_triage(application, engine="llm")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()

    assert run.status == RunStatus.SUCCEEDED, run.error
    request = model_server.requests[1]
    schema = request["response_format"]["json_schema"]["schema"]
    item = schema["properties"]["conflicts"]["items"]["properties"]
    assert item["policy"]["enum"] == [
        "nppf-2024:212",
        "nppf-2024:220",
        "southwark-plan-2022:P20",
        "nppf-2024:219",
    ]
    assert item["document"]["enum"] == ["description", key]
    assert item["policy_quote"]["maxLength"] == 300 and schema["additionalProperties"] is False
    user = request["messages"][1]["content"]
    assert user.count("<policy key=") == 4  # the few policies, never the whole framework
    assert "The National Planning Policy Framework sets out" not in user
    assert "The existing garage will be demolished." in user  # a verified excerpt

    model = run.findings.filter(code="conflict.policy", engine__startswith="llm:")
    (judged,) = model
    assert judged.engine == f"llm:fake-model@{CONFLICT_PROMPT_VERSION}"
    assert judged.value == "nppf-2024:212"
    assert (judged.policy.reference, judged.policy_quote) == ("212", BITES)
    assert (judged.document, judged.page_number) == (application.statement, 1)
    assert judged.quote == "garage will be demolished"
    assert run.dropped_quotes >= 2
    rules = run.findings.filter(code="engaged.policy", engine="rules")
    # The rules' policies to weigh stand beside the model's conflict, whatever it said.
    assert [f.value for f in rules] == [
        "nppf-2024:212",
        "nppf-2024:220",
        "southwark-plan-2022:P20",
    ]

    officer = UserFactory(council=southwark)
    client.force_login(officer)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    conflicts_at = page.index("Possible policy conflicts")
    model_at = page.index("From the model")
    engaged_at = page.index("Policies to consider")
    assert conflicts_at < model_at < engaged_at
    assert "From the policy rules" not in page  # the rules found nothing against a policy
    model_part = page[model_at:engaged_at]
    assert "The model finds a conflict with NPPF paragraph 212" in model_part
    assert f'<mark class="app-highlight">{BITES}</mark>' in model_part
    assert "“garage will be demolished”" in model_part


def test_no_policy_loaded_means_no_question_to_the_model(model_server, db, tmp_path):
    load_polygon_layer(tmp_path, dataset="conservation-area", name="X", wkt_27700=AROUND_SITE)
    app = PlanningApplicationFactory(description="Demolition of a garage.")
    DocumentFactory(application=app, original_filename="s.txt", content=STATEMENT.encode())
    model_server.replies.append(("json", {"findings": []}))

    run = runs.start_triage(app, engine="llm")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()

    assert run.status == RunStatus.SUCCEEDED
    assert len(model_server.requests) == 1
    assert json.loads(json.dumps(model_server.requests[0]))["model"] == "fake-model"


def test_an_unusable_judgement_is_counted_not_fatal(model_server, application):
    model_server.replies += [("json", {"findings": []}), ("json", "not json at all")]

    run = runs.start_triage(application, engine="llm")
    pipeline.execute_run(run.pk)
    run.refresh_from_db()

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert not run.findings.filter(engine__startswith="llm:", code="conflict.policy").exists()
    assert run.findings.filter(engine="rules", code="engaged.policy").count() == 3
    assert run.dropped_quotes == 4  # the four policies it was asked about


def test_a_long_policy_is_shown_from_its_start_within_the_budget():
    from policies.library import PolicyEntry
    from triage.extractors.llm_conflicts import shown_text

    policy = PolicyEntry("nppf-2024", "NPPF paragraph 1", "1", "One. " * 200)
    shown = shown_text(policy, 400)
    assert len(shown) <= 400 and policy.text.startswith(shown) and shown.endswith(".")
