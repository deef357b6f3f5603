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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Reading bytes needs no YAML (the warm catalog cache reads files without parsing them): defined in paths.
from whichmodel.paths import MAX_DOCUMENT_BYTES, DocumentError, read_bytes

try:  # the C loader is several times faster
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class SafeLoader(_BaseLoader):
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


_DROPPED = {
    "tag:yaml.org,2002:timestamp",  # dates stay the strings they were written as
    "tag:yaml.org,2002:bool",  # YAML 1.1 reads yes/no/on/off (`languages: [no]`) as booleans
    "tag:yaml.org,2002:int",  # YAML 1.1 reads `1:30` as 90 and `0777` as 511
    "tag:yaml.org,2002:float",  # YAML 1.1 reads `1:30.5` as 90.5 and wants a dot in `1.0e6`
    "tag:yaml.org,2002:merge",  # `<<` merge keys copy mappings while loading (a bomb); refused instead
    "tag:yaml.org,2002:value",  # `=` is plain text
}
_DROPPED = {
    "tag:yaml.org,2002:timestamp",  # dates stay the strings they were written as
    "tag:yaml.org,2002:bool",  # YAML 1.1 reads yes/no/on/off (`languages: [no]`) as booleans
    "tag:yaml.org,2002:int",  # YAML 1.1 reads `1:30` as 90 and `0777` as 511
    "tag:yaml.org,2002:float",  # YAML 1.1 reads `1:30.5` as 5430.5 and wants a dot in `1.0e6`
    "tag:yaml.org,2002:merge",  # `<<` merge keys copy mappings while loading (a bomb): refused instead
    "tag:yaml.org,2002:value",  # `=` is plain text
}
SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _DROPPED]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
# The YAML 1.2 core schema: true/false only; decimal integers (a leading zero is still decimal), 0o octal and
# 0x hex; floats with an optional exponent (`1e6` and `2E-3` are numbers), .inf and .nan. Underscores
# between digits (1_000) are kept from YAML 1.1: unambiguous, and catalogs already use them.
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_int(loader: Any, node: Any) -> int:
    value = str(loader.construct_scalar(node)).replace("_", "")
    if value.startswith(("0o", "0x")):
        return int(value[2:], 8 if value[1] == "o" else 16)
    return int(value, 10)  # `0777` is 777, as in YAML 1.2 (YAML 1.1 read it as octal 511)


def _construct_float(loader: Any, node: Any) -> float:
    value = str(loader.construct_scalar(node)).replace("_", "").lower()
    if value.endswith(".inf"):
        return float("-inf") if value.startswith("-") else float("inf")
    if value == ".nan":
        return float("nan")
    return float(value)


SafeLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
SafeLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)

MAX_NODES = 2_000_000
MAX_BYTES = MAX_DOCUMENT_BYTES


def decode(path: Path, data: bytes) -> str:
    if b"\x00" in data:
        raise DocumentError(path, "is a binary file, not YAML or JSON text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"is not UTF-8 text (byte {exc.start})") from None


def read_text(path: Path) -> str:
    return decode(path, read_bytes(path))


MAX_DEPTH = 200
MERGE_TAG = "tag:yaml.org,2002:merge"
_MERGE_MESSAGE = "uses a YAML merge key (`<<`), which whichmodel does not read; write the keys out in full"


def check_nodes(root: Any, limit: int = MAX_NODES) -> None:
    """Refuse a composed YAML tree that nests deeper than ``MAX_DEPTH``, uses a merge key (``<<``), or whose
    aliases expand into more than ``limit`` nodes beyond the ones written out ("billion laughs").

    Runs on the node graph *before* anything is constructed (merge keys copy mappings during construction),
    once per node thanks to a memo: linear in the size of the text. A document without aliases never
    expands, however large it is.
    """
    memo: dict[int, int] = {}
    literal = 0

    def size(node: Any, depth: int) -> int:
        nonlocal literal
        if depth > MAX_DEPTH:
            raise DocumentError(Path("."), f"nests deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
        key = id(node)
        if key in memo:
            return memo[key]
        literal += 1
        if node.tag == MERGE_TAG:
            raise DocumentError(Path("."), _MERGE_MESSAGE, node.start_mark.line + 1)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == "<<" and not k.style:  # plain, not quoted
                    raise DocumentError(Path("."), _MERGE_MESSAGE, k.start_mark.line + 1)
                total += size(k, depth + 1) + size(v, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            for v in node.value:
                total += size(v, depth + 1)
        memo[key] = total
        return total

    expanded = size(root, 0)
    if expanded - literal > limit:
        raise DocumentError(
            Path("."),
            f"has aliases that expand into more than {limit:,} extra nodes (an alias bomb?); refused",
        )


MAX_LINE_INDEX_BYTES = 16 * 1024 * 1024
"""A JSON file larger than this reports its problems without line numbers: finding them means composing the
whole text as YAML, which takes seconds past this size. An assumption, sized on the development machine."""


@dataclass
class Document:
    """A parsed document, with what is needed to find the line of any value in it (composed once)."""

    path: Path
    text: str
    data: Any
    root: Any = None  # the composed YAML node tree (JSON: composed on the first line lookup)
    composed: bool = False

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        if not self.composed:
            self.composed = True
            if self.root is None and len(self.text) <= MAX_LINE_INDEX_BYTES:
                try:
                    self.root = yaml.compose(self.text, Loader=SafeLoader)
                except (yaml.YAMLError, RecursionError):
                    self.root = None
        return locate(self.root, loc)


def parse_document(path: Path, text: str) -> Document:
    """Parse ``text`` (JSON when the file ends in .json, YAML otherwise) safely, keeping the node tree."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise DocumentError(path, f"is not valid JSON: {exc.msg}", exc.lineno) from None
        except ValueError as exc:
            raise DocumentError(path, f"is not valid JSON: {_value_problem(exc)}") from None
        except RecursionError:
            raise DocumentError(path, "nests too deeply") from None
        return Document(path, text, data)  # JSON has no aliases: nothing expands
    loader = SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            check_nodes(root)
        data = loader.construct_document(root) if root is not None else None
    except DocumentError as exc:
        raise DocumentError(path, exc.message, exc.line) from None
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
    finally:
        loader.dispose()
    return Document(path, text, data, root, composed=True)


def parse(path: Path, text: str) -> Any:
    """Parse ``text`` (JSON when the file ends in .json, YAML otherwise) safely."""
    return parse_document(path, text).data


def load(path: Path) -> Any:
    return parse(path, read_text(path))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        dupe = None
        for key, _ in pairs:
            if key in seen:
                dupe = key
                break
            seen.add(key)
        raise ValueError(f"duplicate key {dupe!r}")
    return out


def _value_problem(exc: ValueError) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        return "it holds an integer with thousands of digits"
    return text


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line where the value at ``loc`` (keys and indexes) starts, as near as can be found.

    Composes ``text`` on every call: to look up many locations use :meth:`Document.line_of` (composed once).
    """
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    return locate(node, loc)


def locate(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the value at ``loc`` in a composed node tree (None without a tree)."""
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
