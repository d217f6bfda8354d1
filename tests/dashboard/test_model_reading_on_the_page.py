"""What the model could not read, and what it was asked, on the application page: a chunk the
model answered badly twice is a finding with its pages and reason, and the run's line in the
timeline says how often the model was asked and that parts went unread."""

from tests.factories import PlanningApplicationFactory
from tests.triage.factories import DocumentFactory
from tests.triage.fake_model_server import FakeModelServer
from triage import pipeline, runs
from triage.extractors.llm import PROMPT_VERSION


def test_parts_the_model_could_not_read_are_on_the_page(client, people, southwark, settings):
    with FakeModelServer() as server:
        settings.LLM_BASE_URL = server.base_url
        settings.LLM_MODEL = "fake-model"
        application = PlanningApplicationFactory(council=southwark)
        DocumentFactory(
            application=application,
            original_filename="statement.txt",
            content=b"The proposal is a single storey rear extension.",
        )
        server.replies += [("json", "{not json"), ("json", "{still not json")]
        run = runs.start_triage(application, engine="llm")
        pipeline.execute_run(run.pk)

    client.force_login(people["officer"])
    page = client.get(f"/applications/{application.pk}/").content.decode()

    assert "statement.txt: page 1 not read by the model" in page
    assert "the model answered badly twice: model output is not JSON" in page
    assert f"The model (fake-model, prompt {PROMPT_VERSION}) was asked 2 times" in page
    assert "It could not read 1 part of the documents" in page
