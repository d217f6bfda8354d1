"""An in-process OpenAI-compatible HTTP server (a real socket, in a thread) that answers
/v1/chat/completions the way a test tells it to, and records each request it got.

It also answers what vLLM adds beside the OpenAI API: /tokenize (a count of the messages'
characters over CHARS_PER_TOKEN, so tests can reason about budgets) and /v1/models with the
served model's max_model_len.

Replies are taken in order from `replies`, or made by `responder(request)` when a test sends
requests side by side and cannot know their order. Each reply is one of:
- ("json", content): a dict (sent as JSON) or a string (sent as it is), finish_reason "stop";
- ("cut", content): the same, but finish_reason "length" (the answer hit max_tokens);
- ("status", code) or ("status", (code, {"Retry-After": "1"})): an error with those headers;
- ("sleep", seconds): wait, then answer with no findings;
- ("late", (seconds, content)): wait, then answer with content.
"""

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHARS_PER_TOKEN = 4
NO_FINDINGS = {"findings": []}


class FakeModelServer:
    def __init__(self, *, max_model_len: int = 16384, tokenize: bool = True):
        self.requests: list[dict] = []
        self.replies: list[tuple[str, object]] = []
        self.responder: Callable[[dict], tuple[str, object]] | None = None
        self.max_model_len = max_model_len
        self.tokenize = tokenize
        self.tokenize_requests = 0
        # How many chat requests were being answered at once, at most.
        self.max_in_flight = 0
        self._in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path.rstrip("/").endswith("/v1/models"):
                    model = {"id": "fake-model", "object": "model", "owned_by": "test"}
                    if server.max_model_len:
                        model["max_model_len"] = server.max_model_len
                    self._send(200, {"object": "list", "data": [model]})
                    return
                self._send(404, {"detail": "Not Found"})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                if self.path == "/tokenize":
                    self._tokenize(body)
                    return
                with server._lock:
                    server.requests.append(body)
                    server._in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server._in_flight)
                    reply = server.replies.pop(0) if server.replies else ("status", 500)
                try:
                    if server.responder is not None:
                        # Outside the lock: a responder may wait for other requests to arrive.
                        reply = server.responder(body)
                    self._answer(*reply)
                finally:
                    with server._lock:
                        server._in_flight -= 1

            def _tokenize(self, body):
                if not server.tokenize:
                    self._send(404, {"detail": "Not Found"})
                    return
                with server._lock:
                    server.tokenize_requests += 1
                chars = sum(len(message["content"]) for message in body["messages"])
                self._send(
                    200,
                    {
                        "count": chars // CHARS_PER_TOKEN + 10,
                        "max_model_len": server.max_model_len,
                        "tokens": [],
                    },
                )

            def _answer(self, kind, payload):
                finish_reason = "stop"
                if kind == "sleep":
                    time.sleep(payload)
                    kind, payload = "json", NO_FINDINGS
                if kind == "late":
                    delay, payload = payload
                    time.sleep(delay)
                    kind = "json"
                if kind == "cut":
                    kind, finish_reason = "json", "length"
                if kind == "status":
                    code, headers = payload if isinstance(payload, tuple) else (payload, {})
                    self._send(code, {"error": {"message": "boom"}}, headers)
                    return
                content = payload if isinstance(payload, str) else json.dumps(payload)
                self._send(
                    200,
                    {
                        "id": "chatcmpl-1",
                        "object": "chat.completion",
                        "created": 0,
                        "model": "fake",
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": content},
                                "finish_reason": finish_reason,
                            }
                        ],
                        "usage": {
                            "prompt_tokens": 100,
                            "completion_tokens": 10,
                            "total_tokens": 110,
                        },
                    },
                )

            def _send(self, status, data, headers=None):
                raw = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def finding(code, value, quote, page=1, **extra) -> dict:
    row = {
        "code": code,
        "value": value,
        "page": page,
        "quote": quote,
        "name": "",
        "grade": "",
        "zone": "",
        "from_use": "",
        "to_use": "",
    }
    row.update(extra)
    return row


def model_env(model_server: FakeModelServer, **extra) -> dict:
    """The settings a worker needs to use `model_server` as its engine, plus `extra`."""
    return {
        "LLM_BASE_URL": model_server.base_url,
        "LLM_MODEL": "fake-model",
        "LLM_TIMEOUT_SECONDS": 60,
        "TRIAGE_DEFAULT_ENGINE": "llm",
        **extra,
    }
