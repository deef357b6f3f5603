"""`cli.output.dumps_indented` writes exactly what `json.dumps(indent=2, ensure_ascii=False, allow_nan=False)` writes."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from whichmodel.cli.output import dumps_indented

# scalars that stress the encoder: escapes, non-ASCII, line separators, braces and separators inside strings
SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -3,
    10**30,
    1.5,
    1e-300,
    -0.0,
    1e22,
    "",
    'a"b\\c\n\t\x01é\u2028😀\x85',
    "}",
    "{",
    "},\n    {",
    '}"',
    "[]",
]
KEYS = ["k", "é", 'a"b', "", "\n", "}", "{"]


def reference(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def document(rnd: random.Random, depth: int = 0) -> Any:
    r = rnd.random()
    if depth > 4 or r < 0.35:
        return rnd.choice(SCALARS)
    if r < 0.5:  # a list of flat records, some empty (the shape of `rejected`)
        return [
            {rnd.choice(KEYS) + str(i): rnd.choice(SCALARS) for i in range(rnd.randint(0, 3))}
            for _ in range(rnd.randint(0, 4))
        ]
    if r < 0.7:
        return [document(rnd, depth + 1) for _ in range(rnd.randint(0, 4))]
    if r < 0.8:
        return tuple(document(rnd, depth + 1) for _ in range(rnd.randint(0, 3)))
    return {rnd.choice(KEYS) + str(i): document(rnd, depth + 1) for i in range(rnd.randint(0, 4))}


def test_same_text_as_the_standard_library_on_random_documents() -> None:
    rnd = random.Random(20261202)
    for _ in range(3000):
        data = document(rnd)
        assert dumps_indented(data) == reference(data), data


def test_same_text_for_an_advice_document(run) -> None:
    code, out, _ = run("advise", "--task", "summarization", "--gpu-hours", "50", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rejected"] and dumps_indented(data) == reference(data)


def test_keys_that_are_not_strings_are_converted_as_json_does() -> None:
    data = {"a": {1: 2, None: [1.5, {"x": True}]}, "b": [{2.5: "y"}]}
    assert dumps_indented(data) == reference(data)


@pytest.mark.parametrize("bad", [[float("nan")], {"a": float("inf")}, {"a": [1, {"b": float("-inf")}]}])
def test_out_of_range_floats_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        dumps_indented(bad)


def test_unknown_types_are_refused_as_json_refuses_them() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps_indented({"a": [object()]})


TEXTS: list[Any] = [None, True, False, "", "}", "{", "},\n    {", 'a"b\\c\n\t\x01\x1f\x7fé\u2028\u202e😀\x85']


def test_lists_of_text_records_are_written_as_the_standard_library_writes_them() -> None:
    """The rejections' shape (records of strings, booleans and null) goes through pydantic-core: same text at
    every depth, for random records and for one string holding every code point but the surrogates."""
    rnd = random.Random(14)
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for _ in range(500):
        records = [
            {rnd.choice(KEYS) + str(i): rnd.choice(TEXTS) for i in range(rnd.randint(0, 4))}
            for _ in range(rnd.randint(1, 5))
        ]
        data: Any = records
        for _ in range(rnd.randint(0, 3)):
            data = {"rejected": data, "n": 1.5} if rnd.random() < 0.5 else [data, []]
        assert dumps_indented(data) == reference(data), data
    data = {"a": {"rejected": [{"model": every, "rule": "x"}, {}]}}
    assert dumps_indented(data) == reference(data)


def test_a_lone_surrogate_in_a_text_record_is_written_as_the_standard_library_writes_it() -> None:
    data = {
        "rejected": [{"model": "a\ud800b", "rule": "x"}]
    }  # pydantic-core refuses it: the C encoder writes it
    assert dumps_indented(data) == reference(data)
