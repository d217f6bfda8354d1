"""An in-process OpenAI-compatible HTTP server (a real socket, in a thread) that answers
/v1/chat/completions the way a test tells it to, and records each request it got."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeModelServer:
    def __init__(self):
        self.requests: list[dict] = []
        # Each reply: ("json", content_dict_or_str) | ("status", code) | ("sleep", seconds)
        # (then no findings) | ("late", (seconds, content_dict_or_str))
        self.replies: list[tuple[str, object]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append(json.loads(body))
                kind, payload = server.replies.pop(0) if server.replies else ("status", 500)
                if kind == "sleep":
                    time.sleep(payload)
                    kind, payload = "json", {"findings": []}
                if kind == "late":
                    delay, payload = payload
                    time.sleep(delay)
                    kind = "json"
                if kind == "status":
                    self._send(payload, {"error": {"message": "boom"}})
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
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    },
                )

            def _send(self, status, data):
                raw = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
