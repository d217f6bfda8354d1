"""The model-server benchmark runs end to end against the fake server: a sequential pass, then
each concurrency asked for, with the figures and the ratio to the sequential client."""

import re

from django.core.management import call_command

from tests.triage.fake_model_server import NO_FINDINGS, FakeModelServer


def test_it_measures_each_concurrency_against_a_sequential_client(capsys):
    with FakeModelServer() as server:
        server.responder = lambda request: ("late", (0.02, NO_FINDINGS))
        call_command(
            "bench_llm",
            base_url=server.base_url,
            model="fake-model",
            concurrency="1,4",
            cases=2,
            chunk_chars=1000,
        )
    out = capsys.readouterr().out
    rows = [
        line.split() for line in out.splitlines() if line.startswith(("sequential", "concurrent"))
    ]
    assert [(row[0], row[1]) for row in rows] == [
        ("sequential", "1"),
        ("concurrent", "1"),
        ("concurrent", "4"),
    ]
    requests = {int(row[7]) for row in rows}
    assert len(requests) == 1 and requests.pop() > 4  # the same work in every pass
    assert server.max_in_flight == 4
    assert re.search(
        r"^RESULT baseline=sequential pages_per_s=[\d.]+ best_in_flight=\d+ ", out, re.M
    )
    # Each pass named its applications apart, so none read another's prompts from a cache.
    tags = {
        re.search(r"\((sequential|concurrent)-\d+-\d+\)", r["messages"][1]["content"]).group(0)
        for r in server.requests[1:]
    }
    assert len(tags) == 3
