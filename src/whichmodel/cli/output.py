"""All rendering helpers: JSON on stdout, Rich consoles (imported lazily), small formatters."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from whichmodel import units

if TYPE_CHECKING:
    from rich.console import Console


def emit_json(data: Any) -> None:
    """The JSON document, alone on stdout.

    Control characters are escaped by JSON itself, but C1 (U+0080-U+009F) and bidi controls would be
    written raw (``ensure_ascii=False``): they are written as ``\\u`` escapes, so the document a terminal
    shows cannot drive it; a JSON reader gets the same string back.
    """
    text = dumps_indented(data)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")
    sys.stdout.flush()


INDENT = "  "


def dumps_indented(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)``, the same text, faster.

    With an indent, the standard library encodes in Python, node by node (5 s for the 100,000 rejections of a
    100,000-model catalog). Here every container whose items are all scalars (a rejection, a reason, a list of
    strings) is encoded by the C encoder in one call, its item separator carrying the newline and the indent;
    only the containers around them are walked in Python. A non-string key (which the standard library would
    convert) falls back to the standard library.
    """
    try:
        return _indented(data, 0)
    except (_Fallback, RecursionError):
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


class _Fallback(Exception):
    pass


_SCALARS = (str, int, float, bool, type(None))
_flat = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_FLAT_AT: dict[int, Any] = {}


def _flat_at(depth: int) -> Any:
    """A function encoding a flat container at ``depth``: the C encoder, made once, whose item separator starts
    a new line indented for the container's items (``JSONEncoder.encode`` would make a new one per call)."""
    fn = _FLAT_AT.get(depth)
    if fn is None:
        sep = ",\n" + INDENT * (depth + 1)
        enc = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(sep, ": "))
        fn = enc.encode
        make = getattr(json.encoder, "c_make_encoder", None)
        if make is not None:  # the arguments JSONEncoder.iterencode gives it (markers: none, flat)
            with contextlib.suppress(TypeError):  # another signature: keep enc.encode
                fn = _joined(
                    make(
                        None,
                        enc.default,
                        json.encoder.encode_basestring,
                        None,
                        ": ",
                        sep,
                        False,
                        False,
                        False,
                    )
                )
        _FLAT_AT[depth] = fn
    return fn


def _joined(c: Any) -> Any:
    def encode(value: Any) -> str:
        return "".join(c(value, 0))

    return encode


def _indented(value: Any, depth: int) -> str:
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(type(k) is str for k in value):
            raise _Fallback
        inner = "\n" + INDENT * (depth + 1)
        if all(isinstance(v, _SCALARS) for v in value.values()):
            text = _flat_at(depth)(value)
            return "{" + inner + text[1:-1] + "\n" + INDENT * depth + "}"
        items = [_flat.encode(k) + ": " + _indented(v, depth + 1) for k, v in value.items()]
        return "{" + inner + ("," + inner).join(items) + "\n" + INDENT * depth + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + INDENT * (depth + 1)
        if all(isinstance(v, _SCALARS) for v in value):
            text = _flat_at(depth)(list(value))
            return "[" + inner + text[1:-1] + "\n" + INDENT * depth + "]"
        if type(value) is list and _text_records(value):  # rejections: pydantic-core writes them all
            fast = _serialized(value, depth)
            if fast is not None:
                return fast
        if all(_flat_dict(v) for v in value):  # a list of records (rejections): one C call for all of them
            return _records(value, depth)
        items = [_indented(v, depth + 1) for v in value]
        return "[" + inner + ("," + inner).join(items) + "\n" + INDENT * depth + "]"
    if isinstance(value, _SCALARS):
        return _flat.encode(value)
    raise _Fallback  # a type json would reject (or a subclass it treats its own way): let it say so


_TEXT_VALUES = frozenset({str, bool, type(None)})


def _text_records(value: list[Any]) -> bool:
    """Whether ``value`` is a list of plain dicts with string keys and only string, boolean or null values,
    checked by C-level maps (no Python call per record): the shape of ``rejected``."""
    from itertools import chain

    return (
        set(map(type, value)) == {dict}
        and set(map(type, chain.from_iterable(value))) <= {str}
        and set(map(type, chain.from_iterable(map(dict.values, value)))) <= _TEXT_VALUES
    )


def _serialized(value: list[Any], depth: int) -> str | None:
    """A list of text records as ``json.dumps(indent=2, ensure_ascii=False)`` writes it at ``depth``, by
    pydantic-core's serializer (Rust): the same text for strings, booleans and null (every code point is
    escaped as the standard library escapes it, which tests/test_output_json.py checks; numbers, whose
    formatting differs, never take this path). None when it refuses (a lone surrogate)."""
    from pydantic_core import PydanticSerializationError, to_json

    try:
        text = to_json(value, indent=len(INDENT)).decode()
    except (PydanticSerializationError, UnicodeDecodeError):
        return None
    return text.replace("\n", "\n" + INDENT * depth) if depth else text


def _flat_dict(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and bool(v)
        and all(type(k) is str for k in v)
        and all(isinstance(x, _SCALARS) for x in v.values())
    )


def _records(value: Any, depth: int) -> str:
    """A list of non-empty flat dicts at ``depth``, encoded in one C call with the dicts' item separator, then
    re-indented: a raw newline is always a separator (JSON strings escape theirs), and a ``}`` just before one
    always closes a record (a scalar never ends with ``}``), so each ``},<newline><indent>{`` is the boundary
    between two records."""
    ind0, ind1, ind2 = INDENT * depth, INDENT * (depth + 1), INDENT * (depth + 2)
    sep = ",\n" + ind2
    text = _flat_at(depth + 1)(list(value))  # [{"k": v<sep>"k": v}<sep>{...}]
    body = text[2:-2].replace("}" + sep + "{", "\n" + ind1 + "},\n" + ind1 + "{\n" + ind2)
    return "[\n" + ind1 + "{\n" + ind2 + body + "\n" + ind1 + "}\n" + ind0 + "]"


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
MIN_WIDTH = 20
"""COLUMNS below this (0 included) is ignored: Rich would print nothing, or one character a line."""


def terminal_width() -> int | None:
    """``COLUMNS`` when it is a plain whole number of at least :data:`MIN_WIDTH`, else None (Rich decides)."""
    raw = os.environ.get("COLUMNS", "").strip()
    if raw.isascii() and raw.isdecimal() and len(raw) <= 5 and int(raw) >= MIN_WIDTH:
        return int(raw)
    return None


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    width = terminal_width()
    if width is None and os.environ.get("COLUMNS") is not None:
        os.environ.pop("COLUMNS", None)  # Rich reads it too: an unusable value (0, ², 1e9) is dropped

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # the reader went away (`| head`): that is not a failure; stop quietly with exit 0
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(0)

    # markup=False: catalog, Hub and user text is printed as written ("[/bold]" in a note is not a tag);
    # styles are given with Text and style= instead.
    return _Console(stderr=stderr, highlight=False, markup=False, width=width, soft_wrap=False)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from outside (a model card, Hub metadata) without control characters: an escape sequence
    in it would otherwise drive the terminal that prints it."""
    return _CONTROL.sub("", text)


def note(text: str) -> None:
    """A diagnostic line on stderr (never on stdout)."""
    sys.stderr.write(printable(text.rstrip()) + "\n")  # a warning may quote a file name or a Hub value


# Figures are formatted in one place, whichmodel.units (shared with the core's prose).
fmt_num = units.num
fmt_params = units.params
fmt_usd = units.usd
