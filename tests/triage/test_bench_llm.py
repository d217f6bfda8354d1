"""The model-server benchmark runs end to end against the fake server: a sequential pass, then
each concurrency asked for, with the figures and the ratio to the sequential client."""

import re
import threading

from django.core.management import call_command

from tests.triage.fake_model_server import NO_FINDINGS, FakeModelServer


class HoldTheFirst:
    """Answers at once, except that the first request of the pass with four in flight is held
    until a second one of that pass arrives: it can only arrive if they are sent side by side.
    (A client that sent one at a time would leave it waiting, and the test would fail.)"""

    def __init__(self):
        self.second = threading.Event()
        self.seen = 0
        self.lock = threading.Lock()

    def __call__(self, request):
        if "(concurrent-4-" in request["messages"][1]["content"]:
            with self.lock:
                self.seen += 1
                first = self.seen == 1
            if first:
                self.second.wait(timeout=30)
            else:
                self.second.set()
        return ("json", NO_FINDINGS)


def test_it_measures_each_concurrency_against_a_sequential_client(capsys):
    with FakeModelServer() as server:
        server.responder = HoldTheFirst()
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
    assert 2 <= server.max_in_flight <= 4
    assert re.search(
        r"^RESULT baseline=sequential pages_per_s=[\d.]+ best_in_flight=\d+ ", out, re.M
    )
    # Each pass named its applications apart, so none read another's prompts from a cache.
    tags = {
        re.search(r"\((sequential|concurrent)-\d+-\d+\)", r["messages"][1]["content"]).group(0)
        for r in server.requests[1:]
    }
    assert len(tags) == 3
