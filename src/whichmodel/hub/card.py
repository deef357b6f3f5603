"""`hub card`: a model card's metadata (licence, languages, datasets, base model) and its first paragraphs.

The README is fetched with huggingface_hub's ``hf_hub_download`` (so it lands in, and offline comes from,
the Hugging Face cache), at most ``MAX_CARD_BYTES`` of it, and its YAML front matter is read with
whichmodel's own bounded loader (:mod:`whichmodel.yamlio`: merge keys and alias bombs refused), all within
the command's deadline. huggingface_hub is imported inside functions only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from whichmodel.hub.client import MAX_CARD_BYTES, call_with_deadline, classify, prepare
from whichmodel.hub.settings import HubError, HubSettings, is_offline

_FENCE = re.compile(r"^\s*(```|~~~)")
_SKIP = re.compile(r"^\s*(#|<|!\[|\[!\[|\||>\s*\[!|---|===|\*\*\*)")


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if isinstance(v, str | int | float) and str(v).strip()]
    return []


@dataclass(frozen=True)
class CardSummary:
    hub_id: str
    license: str | None = None
    languages: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    base_model: list[str] = field(default_factory=list)
    pipeline_tag: str | None = None
    paragraphs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "hub_id": self.hub_id,
            "license": self.license,
            "languages": self.languages,
            "datasets": self.datasets,
            "base_model": self.base_model,
            "pipeline_tag": self.pipeline_tag,
            "paragraphs": self.paragraphs,
        }


def first_paragraphs(text: str, n: int = 2) -> list[str]:
    """The first ``n`` prose paragraphs of a Markdown body: headings, HTML, images, badges, tables and
    code blocks are skipped; whitespace is collapsed."""
    out: list[str] = []
    block: list[str] = []
    in_fence = False

    def flush() -> None:
        if block:
            para = " ".join(" ".join(block).split())
            if len(para.split()) >= 4:
                out.append(para)
            block.clear()

    for line in text.splitlines():
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not line.strip():
            flush()
            continue
        if _SKIP.match(line):
            flush()
            continue
        block.append(line.strip())
        if len(out) >= n:
            break
    flush()
    return out[:n]


# the front matter as huggingface_hub's ModelCard finds it (huggingface_hub.repocard.REGEX_YAML_BLOCK)
_FRONT_MATTER = re.compile(r"^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))")


def split_card(content: str) -> tuple[dict[str, Any], str]:
    """(front matter as a mapping, Markdown body). Front matter that is not plain, bounded YAML (a merge-key
    or alias bomb, a Python tag, a syntax error) reads as empty, as ``ModelCard(ignore_metadata_errors=True)``."""
    from pathlib import Path

    from whichmodel import yamlio

    m = _FRONT_MATTER.match(content)
    if m is None:
        return {}, content
    try:
        data = yamlio.parse(Path("README.md"), m.group(2))
    except yamlio.DocumentError:
        data = None
    return (data if isinstance(data, dict) else {}), content[m.end() :]


def summarize(hub_id: str, content: str, paragraphs: int = 2) -> CardSummary:
    """Parse a README (YAML front matter + Markdown) into a :class:`CardSummary`."""
    meta, body = split_card(content)
    data = _Meta(meta)
    lic = getattr(data, "license", None)
    lic_name = getattr(data, "license_name", None)
    if lic == "other" and isinstance(lic_name, str) and lic_name.strip():
        lic = lic_name
    if isinstance(lic, list):
        lic = ", ".join(str(x) for x in lic)
    tag = getattr(data, "pipeline_tag", None)
    return CardSummary(
        hub_id=hub_id,
        license=lic if isinstance(lic, str) and lic.strip() else None,
        languages=_list(getattr(data, "language", None)),
        datasets=_list(getattr(data, "datasets", None)),
        base_model=_list(getattr(data, "base_model", None)),
        pipeline_tag=tag if isinstance(tag, str) else None,
        paragraphs=first_paragraphs(body, paragraphs),
    )


class _Meta:
    """Front-matter keys as attributes (None when absent), as ``ModelCardData`` gives them."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        return self._data.get(name)


def _hf_cache_dir() -> str | None:
    """The Hugging Face cache as the environment says now (``HF_HUB_CACHE``, else ``HF_HOME/hub``)."""
    if os.environ.get("HF_HUB_CACHE", "").strip():
        return os.environ["HF_HUB_CACHE"].strip()
    if os.environ.get("HF_HOME", "").strip():
        return os.path.join(os.environ["HF_HOME"].strip(), "hub")
    return None


def fetch_card(hub_id: str, settings: HubSettings | None = None, paragraphs: int = 2) -> CardSummary:
    """Download the README through huggingface_hub (from its cache when offline) and summarize it.

    Raises :class:`HubError`.
    """
    settings = settings or HubSettings.from_env()
    offline = is_offline()
    prepare(settings, allow_offline=True)

    def fetch() -> CardSummary:
        from huggingface_hub import hf_hub_download

        from whichmodel import __version__

        try:
            path = hf_hub_download(
                hub_id,
                "README.md",
                endpoint=settings.endpoint,
                token=settings.token,
                etag_timeout=settings.timeout,
                cache_dir=_hf_cache_dir(),
                local_files_only=offline,
                library_name="whichmodel",
                library_version=__version__,
            )
            with open(path, "rb") as f:  # the cached copy may predate the cap: read a bounded prefix
                content = f.read(MAX_CARD_BYTES).decode("utf-8", errors="replace")
        except Exception as exc:
            raise classify(exc, settings, hub_id) from None
        try:  # inside the deadline: parsing is bounded too
            return summarize(hub_id, content, paragraphs)
        except Exception as exc:
            raise HubError(
                "invalid", f"The model card of {hub_id} could not be read ({type(exc).__name__})"
            ) from None

    return call_with_deadline(fetch, settings, f"the model card of {hub_id}", max_bytes=MAX_CARD_BYTES)
