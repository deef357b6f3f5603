"""The huggingface_hub client, configured for whichmodel: every request has a timeout, telemetry is off,
the environment is read at call time; plus error classification and a deadline runner.

huggingface_hub is imported inside functions only.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from whichmodel.hub.settings import HubError, HubSettings, is_offline, offline_error

T = TypeVar("T")

_CONFIGURED_TIMEOUT: float | None = None
_LOCK = threading.Lock()

MAX_RESPONSE_BYTES = 16 * 1024 * 1024
"""The most bytes one Hub response may carry *after decompression* (API answers are kilobytes; a page of
1,000 listed models is about 1 MB): past it the response is abandoned. An assumption, with a wide margin."""
MAX_CARD_BYTES = 4 * 1024 * 1024
"""The largest model card (README.md) read: cards are rarely over 100 KB. An assumption."""
ACCEPTED_ENCODINGS = ("gzip", "x-gzip", "deflate")
"""Content encodings whichmodel decodes itself, counting the decoded bytes (a gzip bomb stops at the cap)."""


class ResponseTooLarge(Exception):
    """A Hub response larger than the cap (before or after decompression), or in an encoding not asked for."""


class Call:
    """One command's Hub work, as seen by the transport in the threads that do it.

    It records the last network error and the last 5xx/429 status (huggingface_hub retries listings
    and downloads, sleeping 1, 2, 4, 8, 8 s, so the deadline runner uses these to give up at once when
    the Hub cannot be reached, and to say why when the deadline passes). Once ``abandon()`` is called,
    any further request from those threads fails at once, so work left behind stops quickly.
    """

    def __init__(self, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self.error: BaseException | None = None
        self.status: int | None = None
        self.first_network_error_at: float | None = None
        self.abandoned = threading.Event()
        self.max_bytes = max_bytes

    def bind(self) -> None:
        """Attach the calling thread to this call."""
        _CURRENT.call = self

    def abandon(self) -> None:
        self.abandoned.set()


class Abandoned(Exception):
    """A request from a thread whose command has already given up."""


_CURRENT = threading.local()


def _current_call() -> Call | None:
    return getattr(_CURRENT, "call", None)


def _http_lib(hf_http: Any) -> Any:
    """The HTTP library huggingface_hub uses (httpx2 in 2.x, httpx in 1.x), or None (requests in 0.x)."""
    return getattr(hf_http, "httpx2", None) or getattr(hf_http, "httpx", None)


def prepare(settings: HubSettings, *, allow_offline: bool = False) -> Any:
    """Import huggingface_hub, align it with the current environment, and return an ``HfApi``.

    - telemetry off (``HF_HUB_DISABLE_TELEMETRY=1``), library warnings kept off the terminal;
    - offline mode as the environment says *now* (huggingface_hub reads it once, at import);
    - a shared HTTP client whose transport caps every request at ``settings.timeout`` (the library
      passes no timeout for listings and downloads).

    Raises :class:`HubError` (kind ``offline``) when ``HF_HUB_OFFLINE`` is set, unless ``allow_offline``
    (the caller then reads the Hugging Face cache).
    """
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    offline = is_offline()
    import huggingface_hub
    from huggingface_hub import constants

    constants.HF_HUB_OFFLINE = offline
    constants.HF_HUB_DISABLE_TELEMETRY = True
    _quiet_library_logging()
    _install_timeout(settings.timeout)
    if offline and not allow_offline:
        raise offline_error()
    from whichmodel import __version__

    return huggingface_hub.HfApi(
        endpoint=settings.endpoint,
        token=settings.token,
        library_name="whichmodel",
        library_version=__version__,
    )


def _quiet_library_logging() -> None:
    """huggingface_hub logs retries as warnings on stderr; whichmodel reports failures itself.

    Its logging module configures the library logger when first imported, so import it before setting the level.
    """
    from huggingface_hub.utils import logging as hf_logging

    hf_logging.set_verbosity_error()


def _install_timeout(timeout: float) -> None:
    """Make huggingface_hub's shared client cap every request at ``timeout`` seconds."""
    global _CONFIGURED_TIMEOUT
    with _LOCK:
        if timeout == _CONFIGURED_TIMEOUT:
            return
        from huggingface_hub.utils import _http as hf_http

        lib = _http_lib(hf_http)
        # huggingface_hub < 1.0 uses requests: requests then rely on the timeouts passed explicitly
        if lib is None or not hasattr(hf_http, "set_client_factory"):  # pragma: no cover
            _CONFIGURED_TIMEOUT = timeout
            return

        class CappedTimeout(lib.BaseTransport):  # type: ignore[name-defined]
            """Replaces a missing (None) timeout, and caps a longer one, before the request is sent."""

            def __init__(self) -> None:
                self.inner = lib.HTTPTransport()

            def handle_request(self, request):
                given = dict(request.extensions.get("timeout") or {})
                capped = {}
                for key in ("connect", "read", "write", "pool"):
                    v = given.get(key)
                    capped[key] = timeout if v is None else min(float(v), timeout)
                request.extensions["timeout"] = capped
                call = _current_call()
                if call is not None and call.abandoned.is_set():
                    raise Abandoned("the command has given up on the Hub")
                request.headers["Accept-Encoding"] = "gzip, deflate"  # no br, no zstd: those are refused
                try:
                    response = self.inner.handle_request(request)
                except Exception as exc:
                    if call is not None:
                        call.error = exc
                    raise
                if call is not None and (response.status_code >= 500 or response.status_code == 429):
                    call.status = response.status_code
                return bounded_response(
                    lib, request, response, call.max_bytes if call is not None else MAX_RESPONSE_BYTES
                )

            def close(self) -> None:
                self.inner.close()

        hook = getattr(hf_http, "hf_request_event_hook", None)

        def factory():
            return lib.Client(
                transport=CappedTimeout(),
                event_hooks={"request": [hook]} if hook else {},
                follow_redirects=True,
                timeout=lib.Timeout(timeout),
            )

        hf_http.set_client_factory(factory)
        _CONFIGURED_TIMEOUT = timeout


def bounded_response(lib: Any, request: Any, response: Any, limit: int) -> Any:
    """``response`` with a body that stops past ``limit`` bytes, counted after decompression.

    A declared ``Content-Length`` past the limit is refused before reading. A gzip or deflate body is
    decoded here, in bounded steps (``max_length``), and handed on without its ``Content-Encoding``, so
    the HTTP library never inflates it unbounded; any other encoding is refused (only these are asked for).
    """
    headers = response.headers
    try:
        declared = int(headers.get("Content-Length", "0") or 0)
    except ValueError:
        declared = 0
    encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if declared > limit or encoding not in (*ACCEPTED_ENCODINGS, "identity", ""):
        response.close()
        if declared > limit:
            raise ResponseTooLarge(f"declares {declared:,} bytes, more than the {limit:,} accepted")
        raise ResponseTooLarge(f"uses the content encoding {encoding[:40]!r}, which was not asked for")
    inner = response.stream
    decode = encoding in ACCEPTED_ENCODINGS

    class Bounded(lib.SyncByteStream):
        def __iter__(self):
            import zlib

            total = 0
            # gzip (wbits 16+15) or zlib-wrapped deflate (auto-detected with 32+15)
            d = zlib.decompressobj(47) if decode else None
            raw_deflate = False
            for chunk in inner:
                if d is not None:
                    try:
                        out = d.decompress(chunk, limit - total + 1)
                    except zlib.error:
                        if total or raw_deflate or encoding != "deflate":
                            raise
                        d, raw_deflate = zlib.decompressobj(-15), True  # deflate without the zlib header
                        out = d.decompress(chunk, limit - total + 1)
                    if d.unconsumed_tail:
                        raise ResponseTooLarge(f"expands past the {limit:,} bytes accepted")
                else:
                    out = chunk
                total += len(out)
                if total > limit:
                    raise ResponseTooLarge(f"is larger than the {limit:,} bytes accepted")
                if out:
                    yield out

        def close(self) -> None:
            inner.close()

    if decode:
        headers = [
            (k, v)
            for k, v in headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length")
        ]
    return lib.Response(
        response.status_code,
        headers=headers,
        stream=Bounded(),
        extensions=response.extensions,
        request=request,
    )


# -- errors ----------------------------------------------------------------------------------------


def _names(exc: BaseException) -> set[str]:
    return {c.__name__ for c in type(exc).__mro__}


def _in_chain(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """``exc`` or the first of its causes that is a ``kind`` (libraries wrap what a transport raises)."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, kind):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None


def _status(exc: BaseException) -> int | None:
    resp = getattr(exc, "response", None)
    code = getattr(resp, "status_code", None)
    return code if isinstance(code, int) else None


def classify(exc: BaseException, settings: HubSettings, hub_id: str | None = None) -> HubError:
    """One sentence (and a hint) for any failure of a Hub request; the token never appears in it."""
    if isinstance(exc, HubError):
        return exc
    names = _names(exc)
    where = f"the Hugging Face Hub at {settings.shown_endpoint}"
    subject = hub_id or "the request"
    too_large = _in_chain(exc, ResponseTooLarge)
    if too_large is not None:
        return HubError(
            "invalid",
            f"The Hub's response for {subject} {too_large}; it was abandoned",
            "Check HF_ENDPOINT points at a Hugging Face Hub",
            hub_id,
        )
    if "OfflineModeIsEnabled" in names:
        return offline_error()
    if "LocalEntryNotFoundError" in names:
        cause = exc.__cause__ or exc.__context__
        if cause is not None and cause is not exc:
            return classify(cause, settings, hub_id)
        if is_offline():
            return offline_error(f"fetch {hub_id}'s model card (it is not in the local Hugging Face cache)")
        return HubError("connect", f"Cannot reach {where}", "Check the network or HF_ENDPOINT", hub_id)
    status = _status(exc)
    if status is not None:
        server = getattr(exc, "server_message", None) or ""
        if "GatedRepoError" in names:
            return HubError(
                "gated",
                f"{subject} is gated and the Hub refused access (HTTP {status})",
                "Accept its conditions on the Hub and set HF_TOKEN to a token with access",
                hub_id,
            )
        if status == 401 and "Invalid credentials" in (server + str(exc)):
            return HubError(
                "auth",
                "The Hub rejected the token in HF_TOKEN (HTTP 401)",
                "Check or unset HF_TOKEN",
                hub_id,
            )
        if "RepositoryNotFoundError" in names or status == 404:
            if "RemoteEntryNotFoundError" in names or "EntryNotFoundError" in names:
                return HubError(
                    "not-found", f"{subject} has no model card (README.md) on the Hub", "", hub_id
                )
            return HubError(
                "not-found",
                f"{subject} was not found on the Hub (HTTP {status}; it may be misspelled, renamed or private)",
                "Check the id; for a private repository set HF_TOKEN",
                hub_id,
            )
        if status in (401, 403):
            return HubError(
                "auth",
                f"The Hub refused access to {subject} (HTTP {status})",
                "Set HF_TOKEN to a token with access",
                hub_id,
            )
        if status == 429:
            return HubError(
                "rate-limit",
                "The Hub is rate-limiting requests (HTTP 429)",
                "Wait a minute, or set HF_TOKEN",
                hub_id,
            )
        if status >= 500:
            return HubError(
                "server", f"The Hub answered with a server error (HTTP {status})", "Try again later", hub_id
            )
        return HubError("http", f"The Hub answered HTTP {status} for {subject}", "", hub_id)
    if "TimeoutException" in names or "Timeout" in names or isinstance(exc, TimeoutError):
        return HubError(
            "timeout",
            f"The Hugging Face Hub at {settings.shown_endpoint} did not answer within {settings.timeout:g} s",
            "Try again later, or raise WHICHMODEL_HUB_TIMEOUT",
            hub_id,
        )
    network = {"ConnectError", "ConnectionError", "NetworkError", "RemoteProtocolError", "ProxyError"}
    if names & network or isinstance(exc, ConnectionError):
        return HubError(
            "connect",
            f"Cannot reach {where}",
            "Check the network or HF_ENDPOINT; the other commands keep working from the snapshot and catalog",
            hub_id,
        )
    if isinstance(exc, json.JSONDecodeError | ValueError | KeyError | TypeError | AttributeError):
        return HubError(
            "invalid",
            f"The Hub sent a response that is not valid model metadata for {subject}",
            "Check HF_ENDPOINT points at a Hugging Face Hub",
            hub_id,
        )
    if isinstance(exc, OSError):
        return HubError("connect", f"Cannot reach {where} ({type(exc).__name__})", "", hub_id)
    return HubError("http", f"The Hub request for {subject} failed ({type(exc).__name__})", "", hub_id)


# -- deadline ----------------------------------------------------------------------------------------

NETWORK_GRACE_S = 0.5  # after a refused or timed-out request, how long the library may still answer (cache)


def network_down(call: Call, settings: HubSettings) -> HubError | None:
    """The classified error once a request of ``call`` was refused or timed out ``NETWORK_GRACE_S`` ago.

    huggingface_hub retries such requests for ~23 s (sleeping 1, 2, 4, 8, 8 s); a refused connection or
    a request that already timed out will not get better, so callers stop waiting at the first one."""
    err = call.error
    if err is None or not _names(err) & {"ConnectError", "TimeoutException"}:
        return None
    now = time.monotonic()
    if call.first_network_error_at is None:
        call.first_network_error_at = now
    if now - call.first_network_error_at < NETWORK_GRACE_S:
        return None
    return classify(err, settings)


def call_with_deadline(
    fn: Callable[[], T], settings: HubSettings, what: str = "the request", max_bytes: int = MAX_RESPONSE_BYTES
) -> T:
    """Run ``fn`` in a daemon thread and give up after ``settings.deadline`` seconds.

    huggingface_hub retries listings and downloads on 5xx and network errors (with sleeps); the
    deadline bounds the whole command whatever the library does. Exceptions are classified.
    """
    box: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    call = Call(max_bytes)

    def target() -> None:
        call.bind()
        try:
            box.put((True, fn()))
        except BaseException as exc:
            box.put((False, exc))

    end = time.monotonic() + settings.deadline
    grace_end: float | None = None
    threading.Thread(target=target, name="whichmodel-hub", daemon=True).start()
    try:
        ok, value = _wait(box, call, settings, what, end, grace_end)
    finally:
        call.abandon()
    if ok:
        return value
    raise classify(value, settings)


def _wait(
    box: queue.Queue[tuple[bool, Any]],
    call: Call,
    settings: HubSettings,
    what: str,
    end: float,
    grace_end: float | None,
) -> tuple[bool, Any]:
    while True:
        now = time.monotonic()
        try:
            return box.get(timeout=max(0.0, min(0.05, end - now)))
        except queue.Empty:
            pass
        now = time.monotonic()
        err = call.error
        if err is not None and _names(err) & {"ConnectError", "TimeoutException"}:
            # the library would retry for ~23 s; a refused connection or a request that already timed
            # out will not get better: give the library a moment (it may answer from its cache), then stop
            grace_end = grace_end or now + 0.5
            if now >= grace_end:
                raise classify(err, settings)
        if now >= end:
            why = f" (it kept answering HTTP {call.status})" if call.status else ""
            raise HubError(
                "deadline",
                f"The Hugging Face Hub at {settings.shown_endpoint} did not complete {what} within "
                f"{settings.deadline:g} s{why}",
                "Try again later, or raise WHICHMODEL_HUB_DEADLINE",
            )
