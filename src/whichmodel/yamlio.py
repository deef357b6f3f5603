"""Safe, bounded reading of YAML and JSON documents (catalog files, scope files).

- YAML is parsed with the safe loader (the C one where available): tags that would construct
  Python objects are refused.
- A document whose aliases expand into more than ``MAX_NODES`` nodes (a "billion laughs" bomb) is
  refused before anything walks it.
- Line numbers for a path inside the document are found on demand, only when there is a problem to report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from whichmodel.paths import MAX_DOCUMENT_BYTES

try:  # the C loader is several times faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class SafeLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader, minus timestamp resolution: dates stay the strings they were written as.

    A key written twice in one mapping is an error (PyYAML would silently keep the last value).
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key_node.value!r}",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep)


SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
# YAML 1.2 floats: `1e6` and `2E-3` are numbers (YAML 1.1, hence PyYAML, wants a dot: `1.0e6`).
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)

MAX_NODES = 2_000_000
MAX_BYTES = MAX_DOCUMENT_BYTES


class DocumentError(Exception):
    """A file could not be read as a document. ``line`` is 1-based or None."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        message = " ".join(message.split())  # always one line: it ends up in `file:line: field: message`
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line


def read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise DocumentError(path, "is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(path, f"is {size:,} bytes, more than the {MAX_BYTES:,} a document may have")
        with path.open("rb") as fh:  # bounded: a device or pipe (/dev/zero) reports no size
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise DocumentError(path, f"is more than the {MAX_BYTES:,} bytes a document may have")
    except FileNotFoundError:
        raise DocumentError(path, "does not exist") from None
    except PermissionError:
        raise DocumentError(path, "cannot be read (permission denied)") from None
    except IsADirectoryError:
        raise DocumentError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise DocumentError(path, f"cannot be read ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise DocumentError(path, "is a binary file, not YAML or JSON text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"is not UTF-8 text (byte {exc.start})") from None


def expanded_size(obj: Any, limit: int = MAX_NODES) -> int:
    """Count the nodes of ``obj`` as if aliases were expanded, stopping early past ``limit``."""
    memo: dict[int, int] = {}

    def size(o: Any, depth: int) -> int:
        if depth > 200:
            raise DocumentError(Path("."), "nests deeper than 200 levels")
        if isinstance(o, dict):
            key = id(o)
            if key in memo:
                return memo[key]
            total = 1
            for k, v in o.items():
                total += size(k, depth + 1) + size(v, depth + 1)
                if total > limit:
                    break
            memo[key] = total
            return total
        if isinstance(o, list):
            key = id(o)
            if key in memo:
                return memo[key]
            total = 1
            for v in o:
                total += size(v, depth + 1)
                if total > limit:
                    break
            memo[key] = total
            return total
        return 1

    return size(obj, 0)


def parse(path: Path, text: str) -> Any:
    """Parse ``text`` (JSON when the file ends in .json, YAML otherwise) safely."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise DocumentError(path, f"is not valid JSON: {exc.msg}", exc.lineno) from None
        except ValueError as exc:
            raise DocumentError(path, f"is not valid JSON: {_value_problem(exc)}") from None
        except RecursionError:
            raise DocumentError(path, "nests too deeply") from None
    else:
        try:
            data = yaml.load(text, Loader=SafeLoader)
        except yaml.constructor.ConstructorError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            problem = exc.problem or "cannot be constructed"
            if problem.startswith("found duplicate key"):
                raise DocumentError(path, f"is not valid YAML: {problem}", line) from None
            if "could not determine a constructor" in problem:
                problem = "uses a YAML tag that is not allowed here (only plain data is read)"
            raise DocumentError(path, f"is not plain YAML: {problem}", line) from None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
            line = text.count("\n", 0, max(0, exc.position)) + 1
            raise DocumentError(path, f"is not valid YAML: {exc.reason}", line) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            raise DocumentError(path, f"is not valid YAML: {exc.problem or exc.context}", line) from None
        except yaml.YAMLError as exc:
            raise DocumentError(path, f"is not valid YAML: {exc}") from None
        except ValueError as exc:  # a scalar the constructor cannot convert (an integer of 5,000 digits)
            raise DocumentError(path, f"is not valid YAML: {_value_problem(exc)}") from None
        except RecursionError:
            raise DocumentError(path, "nests too deeply") from None
    try:
        if expanded_size(data) > MAX_NODES:
            raise DocumentError(path, f"expands into more than {MAX_NODES:,} nodes (an alias bomb?); refused")
    except DocumentError as exc:
        raise DocumentError(path, exc.message, exc.line) from None
    return data


def load(path: Path) -> Any:
    return parse(path, read_text(path))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dupe = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise ValueError(f"duplicate key {dupe!r}")
    return out


def _value_problem(exc: ValueError) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        return "it holds an integer with thousands of digits"
    return text


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line where the value at ``loc`` (keys and indexes) starts, as near as can be found."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    best = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if node is None:
            break
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                    nxt = value_node
                    best = key_node.start_mark.line + 1
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            best = node.start_mark.line + 1
        else:
            break
    return best
