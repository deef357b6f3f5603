"""Hub settings from the environment (read at call time, never at import time) and the Hub error type.

Stdlib only: the CLI checks offline mode and validates settings before huggingface_hub is imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from whichmodel.hub_snapshot import redact_url  # one definition, shared with the snapshot

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TIMEOUT = 10.0
"""Seconds for each request (connect, read, write): ``WHICHMODEL_HUB_TIMEOUT``."""
DEFAULT_DEADLINE = 25.0
"""Seconds for a whole command's Hub work (an unresponsive Hub is given up within this): ``WHICHMODEL_HUB_DEADLINE``."""
DEFAULT_WORKERS = 6
"""Parallel requests during a refresh (1 to 8): ``WHICHMODEL_HUB_WORKERS``."""
MAX_WORKERS = 8

ENV_TIMEOUT = "WHICHMODEL_HUB_TIMEOUT"
ENV_DEADLINE = "WHICHMODEL_HUB_DEADLINE"
ENV_WORKERS = "WHICHMODEL_HUB_WORKERS"


class HubError(Exception):
    """A Hub request failed. ``kind`` names the failure; ``str(exc)`` is one sentence; ``hint`` says what to do.

    Kinds: offline, connect, timeout, deadline, not-found, gated, auth, rate-limit, server, invalid, http, setting.
    """

    def __init__(self, kind: str, message: str, hint: str = "", hub_id: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.hint = hint
        self.hub_id = hub_id


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip().upper() in {"1", "ON", "YES", "TRUE"}


def is_offline() -> bool:
    """``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set to a true value, as huggingface_hub reads it."""
    return _is_true(os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE"))


def offline_error(what: str = "reach the Hub") -> HubError:
    return HubError(
        "offline",
        f"Cannot {what}: offline mode is on (HF_HUB_OFFLINE=1)",
        "Unset HF_HUB_OFFLINE to use the Hub; the other commands keep working from the snapshot and catalog",
    )


MAX_SECONDS = 86400.0
"""The longest timeout or deadline accepted (one day): past it a value is a typo, and 1e308 s overflows."""


def _shown(raw: str) -> str:
    """An environment value quoted back in an error: printable and short."""
    text = "".join(c if c.isprintable() else "?" for c in raw)
    return text if len(text) <= 60 else text[:60] + "…"


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw) if raw.isascii() else -1.0
    except ValueError:
        value = -1.0
    if not (0 < value <= MAX_SECONDS):
        raise HubError(
            "setting",
            f"{name} must be a positive number of seconds (at most {MAX_SECONDS:g}), not {_shown(raw)!r}",
        )
    return value


def check_endpoint(ep: str) -> str:
    """Raise a ``setting`` HubError unless ``ep`` is a well-formed http(s) URL with a host and a valid port."""
    from urllib.parse import urlsplit

    if not ep.startswith(("http://", "https://")):
        raise HubError(
            "setting",
            f"HF_ENDPOINT must be an http(s) URL, not {_shown(redact_url(ep) if '://' in ep else ep)!r}",
        )
    try:
        parts = urlsplit(ep)
        port = parts.port  # raises for 99999 or a non-number
        host = parts.hostname
    except ValueError as exc:
        raise HubError(
            "setting", f"HF_ENDPOINT is not a valid URL ({exc})", "Write it as https://host[:port]"
        ) from None
    if not host or not ep.isascii() or any(c.isspace() for c in ep):
        raise HubError(
            "setting",
            "HF_ENDPOINT is not a valid URL (no host, or spaces)",
            "Write it as https://host[:port]",
        )
    del port
    return ep


@dataclass(frozen=True)
class HubSettings:
    endpoint: str = DEFAULT_ENDPOINT
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    workers: int = DEFAULT_WORKERS

    @property
    def shown_endpoint(self) -> str:
        """The endpoint as it may be shown or stored: without credentials (:func:`redact_url`)."""
        return redact_url(self.endpoint)

    def __repr__(self) -> str:  # never show the token, nor credentials in the endpoint
        token = "set" if self.token else "none"
        return (
            f"HubSettings(endpoint={self.shown_endpoint!r}, token={token}, timeout={self.timeout:g}, "
            f"deadline={self.deadline:g}, workers={self.workers})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(
        cls,
        endpoint: str | None = None,
        *,
        timeout: float | None = None,
        deadline: float | None = None,
        workers: int | None = None,
    ) -> HubSettings:
        """Settings from ``HF_ENDPOINT``, ``HF_TOKEN`` and ``WHICHMODEL_HUB_*``; arguments win over the environment.

        Raises :class:`HubError` (kind ``setting``) for a malformed value.
        """
        ep = check_endpoint(
            (endpoint or os.environ.get("HF_ENDPOINT", "").strip() or DEFAULT_ENDPOINT).rstrip("/")
        )
        token = os.environ.get("HF_TOKEN", "").strip() or None
        if token is not None and not (token.isascii() and token.isprintable() and " " not in token):
            raise HubError(  # the token itself is never echoed
                "setting",
                "HF_TOKEN holds characters a token cannot have (only printable ASCII, no spaces)",
                "Copy the token again from your Hugging Face settings, or unset HF_TOKEN",
            )
        t = timeout if timeout is not None else _seconds(ENV_TIMEOUT, DEFAULT_TIMEOUT)
        d = deadline if deadline is not None else _seconds(ENV_DEADLINE, DEFAULT_DEADLINE)
        if workers is None:
            raw = os.environ.get(ENV_WORKERS, "").strip()
            if raw:
                if not (raw.isascii() and raw.isdecimal()) or not 1 <= int(raw) <= MAX_WORKERS:
                    raise HubError(
                        "setting",
                        f"{ENV_WORKERS} must be a whole number from 1 to {MAX_WORKERS}, not {_shown(raw)!r}",
                    )
                workers = int(raw)
            else:
                workers = DEFAULT_WORKERS
        return cls(endpoint=ep, token=token, timeout=t, deadline=d, workers=max(1, min(MAX_WORKERS, workers)))
