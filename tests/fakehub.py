"""A small fake Hugging Face Hub for tests: a threaded http.server on 127.0.0.1 (a free port).

It serves what huggingface_hub's real client requests (read in huggingface_hub/hf_api.py,
utils/_pagination.py and file_download.py):

- ``GET /api/models/{org}/{name}`` and ``GET /api/models/{org}/{name}/revision/{rev}`` (``model_info``;
  with ``expand=...`` only the expanded properties come back, plus ``id`` and ``_id``, as on the Hub);
- ``GET /api/models?pipeline_tag=...&sort=downloads&limit=N&expand=...`` (``list_models``), paginated
  with a ``Link: <...>; rel="next"`` header (``page_size`` items per page);
- ``HEAD`` / ``GET /{org}/{name}/resolve/{rev}/README.md`` (``hf_hub_download``: ``X-Repo-Commit``,
  ``ETag`` and ``Content-Length`` headers on HEAD).

Faults (per hub id in ``faults``, or for every request with the key ``"*"``, or ``"list"`` for listings):
an HTTP status (404, 500, 503, ...), ``"gated"`` (403 GatedRepo), ``"bad-token"`` (401 invalid
credentials), ``"private"`` (401 RepoNotFound), ``"bad-json"`` (200 with a body that is not JSON),
``"not-a-model"`` (200 with a JSON list), ``"sleep"`` (answers after ``sleep_s`` seconds), ``"drop"``
(closes the connection without answering), ``"gzip-bomb"`` (200 with a small gzip body that
expands to 256 MiB), ``"huge"`` (200 declaring ``Content-Length: 2147483648`` and streaming spaces until
the client hangs up). All model data here is fake, for tests only.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def model_json(
    hub_id: str,
    *,
    downloads: int = 1000,
    likes: int = 10,
    license: str | None = "apache-2.0",
    gated: bool | str = False,
    params: int | None = 100_000_000,
    pipeline_tag: str | None = "text-classification",
    architectures: list[str] | None = None,
    model_type: str | None = None,
    last_modified: str = "2024-05-01T12:00:00.000Z",
    license_name: str | None = None,
) -> dict[str, Any]:
    """A model as the Hub's ``/api/models/{id}?expand=...`` returns it (every expandable field we use)."""
    card: dict[str, Any] = {"tags": ["fake"]}
    if license is not None:
        card["license"] = license
    if license_name is not None:
        card["license_name"] = license_name
    config: dict[str, Any] = {}
    if architectures is not None:
        config["architectures"] = architectures
    if model_type is not None:
        config["model_type"] = model_type
    data: dict[str, Any] = {
        "_id": f"id-{abs(hash(hub_id)) % 10**12:012d}",
        "id": hub_id,
        "downloads": downloads,
        "likes": likes,
        "cardData": card,
        "gated": gated,
        "lastModified": last_modified,
        "pipeline_tag": pipeline_tag,
        "config": config,
    }
    if params is not None:
        data["safetensors"] = {"parameters": {"BF16": params}, "total": params}
    return data


_BOMB: list[bytes] = []


def gzip_bomb(expanded: int = 1 << 28) -> bytes:
    """About 300 KB of gzip that expands to ``expanded`` bytes (256 MiB) of JSON (made once, then reused)."""
    if not _BOMB:
        import zlib

        c = zlib.compressobj(1, zlib.DEFLATED, 31)
        block = b" " * (1 << 20)
        parts = [c.compress(b'{"id": "a/b", "x": "')]
        parts.extend(c.compress(block) for _ in range(expanded >> 20))
        parts.append(c.compress(b'"}') + c.flush())
        _BOMB.append(b"".join(parts))
    return _BOMB[0]


class FakeHub:
    def __init__(self) -> None:
        self.models: dict[str, dict[str, Any]] = {}
        self.readmes: dict[str, str] = {}
        self.faults: dict[str, Any] = {}
        self.page_size = 2
        self.sleep_s = 30.0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- data --------------------------------------------------------------------------------------

    def add(self, hub_id: str, readme: str | None = None, **kwargs: Any) -> dict[str, Any]:
        self.models[hub_id.lower()] = model_json(hub_id, **kwargs)
        if readme is not None:
            self.readmes[hub_id.lower()] = readme
        return self.models[hub_id.lower()]

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def paths(self, method: str | None = None) -> list[str]:
        with self._lock:
            return [r["path"] for r in self.requests if method is None or r["method"] == method]

    # -- life cycle --------------------------------------------------------------------------------

    def start(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                hub._handle(self, "GET")

            def do_HEAD(self) -> None:
                hub._handle(self, "HEAD")

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (timeout, deadline) resets the connection: not news

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- serving -----------------------------------------------------------------------------------

    def _fault(self, key: str) -> Any:
        return self.faults.get(key.lower(), self.faults.get("*"))

    def _send(
        self, h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        if "Content-Type" not in (headers or {}):
            h.send_header("Content-Type", "application/json")
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def _json(
        self, h: BaseHTTPRequestHandler, status: int, data: Any, headers: dict[str, str] | None = None
    ) -> None:
        self._send(h, status, json.dumps(data).encode(), headers)

    def _apply_fault(self, h: BaseHTTPRequestHandler, fault: Any) -> bool:
        """Answer with the fault; True when the request has been dealt with."""
        if fault is None:
            return False
        if fault == "sleep":
            end = time.monotonic() + self.sleep_s
            while time.monotonic() < end and not self._stop.is_set():
                time.sleep(0.05)
            return False if not self._stop.is_set() else self._drop(h)
        if fault == "drop":
            return self._drop(h)
        if fault == "gated":
            self._json(
                h,
                403,
                {"error": "Access to this model is restricted."},
                {"X-Error-Code": "GatedRepo", "X-Error-Message": "Access to this model is restricted."},
            )
        elif fault == "bad-token":
            self._json(
                h,
                401,
                {"error": "Invalid credentials in Authorization header"},
                {"X-Error-Message": "Invalid credentials in Authorization header"},
            )
        elif fault == "private":  # what the Hub answers for a private (or missing) repo without a token
            self._json(
                h,
                401,
                {"error": "Repository not found"},
                {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"},
            )
        elif fault == 401:
            self._json(h, 401, {"error": "Unauthorized"})
        elif fault == "bad-json":
            self._send(h, 200, b"<html>this is not JSON</html>")
        elif fault == "not-a-model":
            self._json(h, 200, [1, 2, 3])
        elif fault == "gzip-bomb":
            self._send(h, 200, gzip_bomb(), {"Content-Encoding": "gzip"})
        elif fault == "huge":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(2**31))
            h.end_headers()
            if h.command != "HEAD":
                with contextlib.suppress(OSError):
                    h.wfile.write(b'{"id": "a/b", "x": "')
                    for _ in range(2**31 // 2**16):
                        if self._stop.is_set():
                            break
                        h.wfile.write(b" " * 2**16)
        elif isinstance(fault, int):
            headers = {"X-Error-Code": "RepoNotFound"} if fault == 404 else {}
            self._json(h, fault, {"error": f"fake error {fault}"}, headers)
        else:
            raise AssertionError(f"unknown fault {fault!r}")
        return True

    def _drop(self, h: BaseHTTPRequestHandler) -> bool:
        h.close_connection = True
        with contextlib.suppress(OSError):
            h.connection.shutdown(2)
        return True

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        split = urlsplit(h.path)
        query = parse_qs(split.query)
        with self._lock:
            self.requests.append(
                {"method": method, "path": split.path, "query": query, "headers": dict(h.headers.items())}
            )
        parts = [p for p in split.path.split("/") if p]
        if parts[:2] == ["api", "models"] and len(parts) == 2 and method == "GET":
            if not self._apply_fault(h, self.faults.get("list", self.faults.get("*"))):
                self._list(h, split.path, query)
            return
        if parts[:2] == ["api", "models"] and (
            len(parts) == 4 or (len(parts) == 6 and parts[4] == "revision")
        ):
            hub_id = f"{parts[2]}/{parts[3]}"
            if self._apply_fault(h, self._fault(hub_id)):
                return
            data = self.models.get(hub_id.lower())
            if data is None:
                self._json(h, 404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
                return
            self._json(h, 200, self._expanded(data, query.get("expand")))
            return
        if len(parts) == 5 and parts[2] == "resolve" and parts[4] == "README.md":
            hub_id = f"{parts[0]}/{parts[1]}"
            if self._apply_fault(h, self._fault(hub_id)):
                return
            if hub_id.lower() not in self.models:
                self._json(h, 404, {"error": "Repository not found"}, {"X-Error-Code": "RepoNotFound"})
                return
            text = self.readmes.get(hub_id.lower())
            if text is None:
                self._json(
                    h,
                    404,
                    {"error": "Entry not found"},
                    {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": COMMIT},
                )
                return
            body = text.encode()
            etag = f'"{abs(hash(text)) % 10**16:016x}"'
            self._send(
                h,
                200,
                body,
                {"Content-Type": "text/plain; charset=utf-8", "X-Repo-Commit": COMMIT, "ETag": etag},
            )
            return
        self._json(h, 404, {"error": f"no route for {split.path}"})

    @staticmethod
    def _expanded(data: dict[str, Any], expand: list[str] | None) -> dict[str, Any]:
        if not expand:
            return dict(data)
        keep = set(expand) | {"id", "_id"}
        return {k: v for k, v in data.items() if k in keep}

    def _list(self, h: BaseHTTPRequestHandler, path: str, query: dict[str, list[str]]) -> None:
        models = list(self.models.values())
        tag = (query.get("pipeline_tag") or [None])[0]
        if tag:
            models = [m for m in models if m.get("pipeline_tag") == tag]
        if (query.get("sort") or [None])[0] == "downloads":
            models.sort(key=lambda m: -m.get("downloads", 0))
        limit = int((query.get("limit") or ["1000"])[0])
        size = max(1, min(limit, self.page_size))
        cursor = int((query.get("cursor") or ["0"])[0])
        page = models[cursor : cursor + size]
        headers = {}
        if cursor + size < len(models):
            nxt = {k: v for k, v in query.items() if k != "cursor"}
            nxt["cursor"] = [str(cursor + size)]
            headers["Link"] = f'<{self.url}{path}?{urlencode(nxt, doseq=True)}>; rel="next"'
        expand = query.get("expand")
        self._json(h, 200, [self._expanded(m, expand) for m in page], headers)


def start(monkeypatch: Any, tmp_path: Any) -> FakeHub:
    """Start a fake Hub and point the environment at it (for a fixture; stop it with ``hub.stop()``).

    Unsets HF_HUB_OFFLINE (the test conftest sets it) and HF_TOKEN, keeps the Hugging Face cache and
    whichmodel's cache in ``tmp_path``, and sets short timeouts so failures are quick.
    """
    hub = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.setenv("WHICHMODEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("WHICHMODEL_HUB_TIMEOUT", "3")
    monkeypatch.setenv("WHICHMODEL_HUB_DEADLINE", "6")
    monkeypatch.delenv("WHICHMODEL_HUB_WORKERS", raising=False)
    return hub
