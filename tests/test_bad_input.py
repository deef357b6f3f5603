"""Bad input for every command and every file type, as one table.

Each case runs in a fresh working folder and must end with the exit code the table gives (1 runtime,
2 usage), exactly one `Error: ...` line on stderr (the last line; before it only `file:line: field:
message` catalog problems or `Warning:` lines), no traceback or internal error, nothing on stdout
(`catalog validate` prints its problem lines there), and nothing written: the working folder is
unchanged, no Hub snapshot appears and no `--save` file is created. A few cases run the installed
`whichmodel` script in a subprocess, end to end.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PROBLEM_LINE = re.compile(r"^.+?:\d+: \S.*?: \S.*$")
LONG = "x" * 5000
DIR = object()  # a file entry that is a directory
DEV_ZERO = object()  # a symlink to /dev/zero (endless bytes)
DANGLING = object()  # a symlink to a file that does not exist
LOOP = object()  # a symlink to itself

MODEL = """models:
- id: my-model
  hub_id: me/my-model
  family: encoder-only
  objective: masked-lm
  params_b: 0.1
  context_tokens: 512
  license: apache-2.0
  languages: [en]
  tasks: [text-classification]
  sources: [my notes]
"""


@dataclass
class Case:
    id: str
    args: list[str]
    code: int
    files: dict[str, object] = field(default_factory=dict)  # relative path -> text, bytes, DIR or DEV_ZERO
    env: dict[str, str] = field(default_factory=dict)
    stdin: str = ""
    snapshot: str | None = None  # text of a Hub snapshot to put in the cache folder first
    message: str = ""  # a regex the Error line must match


CASES: list[Case] = []
FORCE = {"WHICHMODEL_INTERVIEW_FORCE": "1"}  # the interview reads answers from a pipe


def case(id: str, args: list[str] | str, code: int, **kw) -> None:
    CASES.append(Case(id, args.split() if isinstance(args, str) else args, code, **kw))


# --- numbers: out of range, negative, zero, NaN, infinity, wrong forms ---------------------------------------

NOT_NUMBERS = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "",
    "five",
    "7B7",
    "0x10",
    "1e3x",
    "--",
    "[1, 2]",
]
NOT_NUMBERS += ["½", "１０", "1,2,3.4.5", LONG]
ADVISE = ["advise", "--task", "summarization"]
for flag in ("--examples", "--domain-tokens", "--input-tokens", "--gpu-hours", "--gpus", "--top"):
    for value in [*NOT_NUMBERS, "-1", "-0.5", "1e40"]:
        case(f"advise {flag} {value[:12]!r}", [*ADVISE, flag, value, "--json"], 2)
for flag in ("--input-tokens", "--gpus", "--top"):
    case(f"advise {flag} zero", [*ADVISE, flag, "0"], 2, message="greater than 0")
for flag in ("--examples", "--domain-tokens", "--input-tokens", "--gpus", "--top"):
    case(f"advise {flag} not whole", [*ADVISE, flag, "1.5"], 2, message="whole number")
for flag, value in [
    ("--examples", "2e12"),
    ("--domain-tokens", "2e15"),
    ("--input-tokens", "2e8"),
    ("--gpu-hours", "1e15"),
    ("--gpus", "1e8"),
    ("--top", "1e7"),
]:
    case(f"advise {flag} too large", [*ADVISE, flag, value, "--json"], 2, message="too large")

EST = ["estimate", "--params", "7B", "-s", "lora"]
for flag in ("--params", "--tokens", "--gpus", "--seq-len", "--batch"):
    for value in ["nan", "inf", "1e999", "-1", "0", "", "abc", "1e30", LONG]:
        case(f"estimate {flag} {value[:12]!r}", [*EST, flag, value, "--json"], 2)
for flag in ("--examples", "--tokens-per-example", "--epochs"):
    for value in ["nan", "inf", "-1", "0", "abc", "1e300"]:
        base = [*EST, "--examples", "1000"] if flag != "--examples" else EST
        case(f"estimate {flag} {value!r}", [*base, flag, value, "--json"], 2)
for flag in ("--gpus", "--seq-len", "--batch"):
    case(f"estimate {flag} not whole", [*EST, flag, "2.5"], 2, message="whole number")
case("estimate tokens and examples", [*EST, "--tokens", "1B", "--examples", "5k"], 2)
case("estimate epochs without examples", [*EST, "--epochs", "3"], 2)
case("estimate lora in int4", [*EST, "--dtype", "int4"], 2)
case("estimate qlora in bf16", ["estimate", "--params", "7B", "-s", "qlora", "--dtype", "bf16"], 2)
case("estimate no strategy", ["estimate", "--params", "7B"], 2)
case("estimate no model or params", ["estimate", "-s", "lora"], 2)

for value in ["0", "-1", "abc", "nan", "1001", ""]:
    case(
        f"hub discover --limit {value!r}", ["hub", "discover", "--task", "summarization", "--limit", value], 2
    )
for value in ["0", "21", "abc", "inf"]:
    case(
        f"hub card --paragraphs {value!r}",
        ["hub", "card", "facebook/bart-large-cnn", "--paragraphs", value],
        2,
    )

# --- unknown ids -------------------------------------------------------------------------------------------

WEIRD_NAMES = ["nosuch", "", "   ", "🙂🙂", "../../etc/passwd", "/tmp/x", "org/name/extra", LONG, "NUL\x00x"]
for name in WEIRD_NAMES:
    short = repr(name[:12])
    case(f"advise --task {short}", ["advise", "--task", name, "--json"], 2)
    case(f"advise --gpu {short}", [*ADVISE, "--gpu", name, "--json"], 2)
    case(f"advise --serve {short}", [*ADVISE, "--serve", name, "--json"], 2)
    case(f"advise --license {short}", [*ADVISE, "--license", name, "--json"], 2)
    case(f"advise --format {short}", [*ADVISE, "--format", name], 2)
    case(f"compare model {short}", ["compare", "t5-base", name, "--task", "summarization", "--json"], 2)
    case(f"estimate model {short}", ["estimate", name, "-s", "lora", "--json"], 2)
    case(f"estimate --strategy {short}", ["estimate", "t5-base", "-s", name, "--json"], 2)
    case(f"estimate --dtype {short}", ["estimate", "t5-base", "-s", "lora", "--dtype", name, "--json"], 2)
    case(f"estimate --gpu {short}", ["estimate", "t5-base", "-s", "lora", "--gpu", name, "--json"], 2)
    case(f"catalog show {short}", ["catalog", "show", name, "--json"], 2)
    case(f"catalog list --family {short}", ["catalog", "list", "--family", name, "--json"], 2)
    case(f"catalog list --task {short}", ["catalog", "list", "--task", name, "--json"], 2)
    case(f"hub discover --task {short}", ["hub", "discover", "--task", name, "--json"], 2)
    case(
        f"hub info {short}",
        ["hub", "info", name, "--json"],
        2 if "/" not in name or name.count("/") != 1 else 1,
    )
for name in ["../../etc/passwd", "/tmp/x", "org/name/extra", "", "🙂/x"]:
    case(f"hub refresh {name!r}", ["hub", "refresh", name, "--json"], 2)
    case(f"hub card {name!r}", ["hub", "card", name], 2)
for value in ["", "two words!", "../../etc", "🙂", "x" * 61, "-leading"]:
    case(f"advise --domain {value!r}", [*ADVISE, "--domain", value, "--json"], 2, message="domain")
for value in ["", "english!", "e", "toolong", "🙂", "12"]:
    case(f"advise --language {value!r}", [*ADVISE, "--language", value, "--json"], 2)
case("advise no task", ["advise", "--json"], 2, message="task")
case("advise json and format disagree", [*ADVISE, "--json", "--format", "table"], 2)
case("compare one model", ["compare", "t5-base", "--task", "summarization"], 2)
case("compare no task", ["compare", "t5-base", "bart-large-cnn", "--json"], 2)
RECIPE = ["recipe", "--task", "chat", "--examples", "10k", "--gpu-hours", "20"]
for value in ["0", "-1", "abc", "nan", "1e40", "", LONG]:
    case(f"recipe --rank {value[:12]!r}", [*RECIPE, "--rank", value], 2, message="--rank")
case("recipe --rank beyond --top", [*RECIPE, "--top", "2", "--rank", "3"], 2, message="out of range")
for value in ["", "deepspeed", "../trl", "TRL; rm -rf /", LONG]:
    case(f"recipe --to {value[:12]!r}", [*RECIPE, "--to", value], 2, message="--to")
case("recipe axolotl for an encoder", ["recipe", "--task", "ner", "--examples", "5k", "--to", "axolotl"], 2)
case(
    "recipe -o an existing file",
    [*RECIPE, "-o", "train.py"],
    2,
    files={"train.py": "# mine\n"},
    message="exists",
)
case("recipe -o a folder", [*RECIPE, "-o", "folder"], 2, files={"folder": DIR}, message="folder")
case("recipe -o in a missing folder", [*RECIPE, "-o", "nowhere/train.py"], 2, message="does not exist")
case("recipe --json with -o", [*RECIPE, "--json", "-o", "x.py"], 2, message="--json")
case("recipe no task", ["recipe"], 2, message="task")
case("advise --format unknown", [*ADVISE, "--format", "pdf"], 2, message="html")
case("unknown command", ["nosuch"], 2)
case("unknown subcommand", ["catalog", "nosuch"], 2)
case("unknown option", ["advise", "--nosuch"], 2)
case("option without value", ["advise", "--task"], 2)
case("extra argument", ["schema", "extra"], 2)
case("tasks extra argument", ["tasks", "extra"], 2)
case("advise --prefer unknown", [*ADVISE, "--prefer", "fast"], 2, message="quality, balanced, cost")
case("advise --daily-tokens negative", [*ADVISE, "--daily-tokens", "-5"], 2, message="--daily-tokens")
case(
    "advise --source-language not a code", [*ADVISE, "--source-language", "english!"], 2, message="ISO 639-1"
)
case("advise --target-language multi", [*ADVISE, "--target-language", "multi"], 2, message="ISO 639-1")
case("advise --labels too long", [*ADVISE, "--labels", "x" * 81], 2, message="--labels")

# List and vocabulary flags: an empty item, an item given twice, a value the catalog does not know, a direction
# that cannot be translated. The same for every command that takes the scope flags.
SCOPE_COMMANDS = {
    "advise": ["advise"],
    "compare": ["compare", "t5-base", "bart-large-cnn"],
    "recipe": ["recipe"],
}
LIST_CASES = [
    ("empty labels", ["--task", "text-classification", "--labels", ","], "--labels: ',' has an empty item"),
    (
        "labels a,,b",
        ["--task", "text-classification", "--labels", "a,,b"],
        "--labels: 'a,,b' has an empty item",
    ),
    ("labels blank", ["--task", "ner", "--labels", " "], "--labels: empty; give one or more labels"),
    ("labels twice", ["--task", "ner", "--labels", "PER,ORG", "--labels", "per"], "'per' is given twice"),
    ("task twice", ["--task", "ner", "--task", "ner"], "--task: 'ner' is given twice"),
    ("task alias twice", ["--task", "ner", "--task", "token-classification"], "name the same task"),
    ("task empty item", ["--task", "summarization,"], "--task: 'summarization,' has an empty item"),
    ("language unknown", ["--task", "chat", "--language", "xx"], "--language: 'xx' is not a language code"),
    ("language name", ["--task", "chat", "--language", "german"], "closest: 'de'"),
    ("language twice", ["--task", "chat", "--language", "en,EN"], "--language: 'EN' is given twice"),
    ("language alias twice", ["--task", "chat", "-l", "multi", "-l", "many"], "name the same language"),
    ("language empty item", ["--task", "chat", "--language", "en,,de"], "--language: 'en,,de' has an empty"),
    (
        "source unknown",
        ["--task", "translation", "--source-language", "xx", "--target-language", "en"],
        "--source-language: 'xx' is not a language code",
    ),
    (
        "target unknown",
        ["--task", "translation", "--source-language", "en", "--target-language", "qq"],
        "--target-language: 'qq' is not a language code",
    ),
    (
        "source is target",
        ["--task", "translation", "--source-language", "en", "--target-language", "en"],
        "translating en into en needs no model",
    ),
    ("source alone", ["--task", "translation", "--source-language", "en"], "one side of the translation"),
    ("one translation language", ["--task", "translation", "--language", "en"], "needs two languages"),
    ("target without translation", ["--task", "summarization", "--target-language", "de"], "not translation"),
    ("prefer unknown", ["--task", "chat", "--prefer", "fastest"], "--prefer: 'fastest' is not one of"),
    ("license empty", ["--task", "chat", "--license", ""], "--license: '' is not one of"),
]
for command, head in SCOPE_COMMANDS.items():
    for label, args, message in LIST_CASES:
        case(f"{command} {label}", [*head, *args], 2, message=re.escape(message))
case(
    "compare a model twice", ["compare", "t5-base", "T5-base", "--task", "summarization"], 2, message="twice"
)
case("rules unknown id", ["rules", "no-such-rule"], 2, message="unknown rule")
case("rules near miss", ["rules", "qualty", "--json"], 2, message="quality")

# --- files: scope files and catalog files ------------------------------------------------------------------

ALIAS_BOMB = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True)
)
BROKEN_FILES: dict[str, object] = {
    "missing": None,
    "directory": DIR,
    "empty": "",
    "whitespace": "   \n\n",
    "comment only": "# nothing here\n",
    "binary": b"\x00\x01\x02\xff",
    "not utf-8": "tasks: [résumé]\n".encode("latin-1"),
    "utf-16": "tasks: [summarization]\n".encode("utf-16"),
    "control character": "tasks: [a\x07b]\n",
    "broken yaml": "tasks: [summarization\n",
    "tab indented": "tasks:\n\t- summarization\n",
    "a list": "- summarization\n",
    "a scalar": "summarization\n",
    "python tag": "tasks: !!python/object/apply:os.system ['touch pwned']\n",
    "python tag at top": "!!python/object/apply:os.system ['touch pwned']\n",
    "custom tag": "tasks: !include other.yaml\n",
    "alias bomb": ALIAS_BOMB,
    "recursive alias": "a: &a [*a]\n",
    "deep nesting": "a: " + "[" * 3000 + "]" * 3000 + "\n",
    "huge integer": "examples: " + "9" * 5000 + "\n",
    "duplicate key": "tasks: [summarization]\ntasks: [chat]\n",
    "device": DEV_ZERO,
}
BROKEN_JSON: dict[str, object] = {
    "empty json": "",
    "broken json": '{"tasks": [',
    "json NaN": '{"tasks": ["summarization"], "gpu_hours": NaN}',
    "json Infinity": '{"tasks": ["summarization"], "gpu_hours": Infinity}',
    "json list": '["summarization"]',
    "json null": "null",
    "json duplicate key": '{"tasks": ["chat"], "tasks": ["summarization"]}',
    "json huge integer": '{"examples": ' + "9" * 5000 + "}",
    "json deep nesting": '{"a": ' + "[" * 100000 + "]" * 100000 + "}",
}
SCOPE_CONTENT: dict[str, str] = {
    "unknown key": "tasks: [summarization]\ncolour: red\n",
    "misspelt key": "task: [summarization]\n",
    "list for a number": "tasks: [summarization]\ngpus: [1, 2]\n",
    "mapping for a list": "tasks: {summarization: 1}\n",
    "mapping for a number": "tasks: [summarization]\nexamples: {a: 1}\n",
    "bool for a number": "tasks: [summarization]\ngpus: true\n",
    "number for a name": "tasks: [summarization]\ngpu: 100\n",
    "null task": "tasks: [null]\n",
    "empty task list": "tasks: []\n",
    "unknown task": "tasks: [nosuch]\n",
    "yaml nan": "tasks: [summarization]\ngpu_hours: .nan\n",
    "yaml inf": "tasks: [summarization]\ngpu_hours: .inf\n",
    "yaml 1e999": "tasks: [summarization]\ngpu_hours: 1e999\n",
    "negative": "tasks: [summarization]\nexamples: -5\n",
    "zero gpus": "tasks: [summarization]\ngpus: 0\n",
    "fraction of a gpu": "tasks: [summarization]\ngpus: 0.5\n",
    "too many examples": "tasks: [summarization]\nexamples: 1e13\n",
    "unknown licence": "tasks: [summarization]\nlicense: gpl\n",
    "non-string key": "1: 2\n",
    "path-like domain": "tasks: [summarization]\ndomain: ../../etc/passwd\n",
    "emoji language": "tasks: [summarization]\nlanguages: ['🙂']\n",
    "long task": f"tasks: [{LONG}]\n",
}

for label, content in {**BROKEN_FILES, **SCOPE_CONTENT}.items():
    files = {} if content is None else {"scope.yaml": content}
    case(f"advise --scope {label}", ["advise", "--scope", "scope.yaml", "--json"], 2, files=files)
for label, content in BROKEN_JSON.items():
    case(
        f"advise --scope {label}",
        ["advise", "--scope", "scope.json", "--json"],
        2,
        files={"scope.json": content},
    )
for label in ("missing", "directory", "broken yaml", "unknown key", "alias bomb"):
    content = {**BROKEN_FILES, **SCOPE_CONTENT}[label]
    files = {} if content is None else {"scope.yaml": content}
    args = ["compare", "t5-base", "bart-large-cnn", "--scope", "scope.yaml", "--json"]
    case(f"compare --scope {label}", args, 2, files=files)

CATALOG_CONTENT: dict[str, str] = {
    "models not a list": "models: {a: 1}\n",
    "models a string": "models: hello\n",
    "entry not a mapping": "models: [just text]\n",
    "empty entry": "models: [{}]\n",
    "unknown key": MODEL + "  colour: red\n",
    "unknown section": "modles: []\n",
    "missing required": MODEL.replace("  params_b: 0.1\n", ""),
    "params nan": MODEL.replace("params_b: 0.1", "params_b: .nan"),
    "params inf": MODEL.replace("params_b: 0.1", "params_b: .inf"),
    "params 1e300": MODEL.replace("params_b: 0.1", "params_b: 1.0e300"),
    "params zero": MODEL.replace("params_b: 0.1", "params_b: 0"),
    "params negative": MODEL.replace("params_b: 0.1", "params_b: -1"),
    "params bool": MODEL.replace("params_b: 0.1", "params_b: true"),
    "params a list": MODEL.replace("params_b: 0.1", "params_b: [1, 2]"),
    "params a string": MODEL.replace("params_b: 0.1", "params_b: '7'"),
    "context a fraction": MODEL.replace("context_tokens: 512", "context_tokens: 512.5"),
    "context huge": MODEL.replace("context_tokens: 512", "context_tokens: 1000000000000"),
    "tasks a mapping": MODEL.replace("tasks: [text-classification]", "tasks: {a: 1}"),
    "unknown task": MODEL.replace("tasks: [text-classification]", "tasks: [text-clasification]"),
    "unknown licence": MODEL.replace("license: apache-2.0", "license: nope"),
    "unknown family": MODEL.replace("family: encoder-only", "family: encoder-ish"),
    "unknown objective": MODEL.replace("objective: masked-lm", "objective: nope"),
    "path-like id": MODEL.replace("id: my-model", "id: ../../etc/passwd"),
    "absolute id": MODEL.replace("id: my-model", "id: /tmp/x"),
    "emoji id": MODEL.replace("id: my-model", "id: 🙂"),
    "long id": MODEL.replace("id: my-model", f"id: {LONG}"),
    "empty id": MODEL.replace("id: my-model", "id: ''"),
    "hub id with extra part": MODEL.replace("hub_id: me/my-model", "hub_id: org/name/extra"),
    "uppercase language": MODEL.replace("languages: [en]", "languages: [EN]"),
    "duplicate id": MODEL + MODEL.removeprefix("models:\n"),
    "duplicate key": MODEL + "  params_b: 7\n",
    "weights nan": "weights: {rules: {task_fit: .nan}}\n",
    "accelerator zero memory": "accelerators: [{id: x, name: X, memory_gb: 0, sources: [abc]}]\n",
    "newline in a key": 'models:\n- {"a\\nb": 1}\n',
    "escape sequence in notes": MODEL + '  notes: "\\e[2J\\e]0;pwned\\a"\n',
}
for label, content in {**BROKEN_FILES, **BROKEN_JSON, **CATALOG_CONTENT}.items():
    if content is None:
        continue  # a missing catalog file is a usage error, tested below
    name = "my.json" if label in BROKEN_JSON else "my.yaml"
    if label == "device":
        continue  # tested with advise below: a catalog file is read twice (contents, then line numbers)
    case(f"validate {label}", ["catalog", "validate", name], 1, files={name: content})
    case(f"advise --catalog {label}", [*ADVISE, "--catalog", name, "--json"], 1, files={name: content})
for label in (
    "broken yaml",
    "python tag",
    "alias bomb",
    "binary",
    "directory",
    "params nan",
    "duplicate key",
):
    content = {**BROKEN_FILES, **CATALOG_CONTENT}[label]
    case(
        f"validate --json {label}",
        ["catalog", "validate", "my.yaml", "--json"],
        1,
        files={"my.yaml": content},
    )
case("advise --catalog device", [*ADVISE, "--catalog", "my.yaml", "--json"], 1, files={"my.yaml": DEV_ZERO})
case("validate empty folder", ["catalog", "validate", "folder"], 1, files={"folder": DIR})

CATALOG_COMMANDS = [
    ["tasks", "--json"],
    ["architectures", "--json"],
    ["catalog", "list", "--json"],
    ["catalog", "show", "t5-base", "--json"],
    ["catalog", "accelerators", "--json"],
    ["catalog", "languages", "--json"],
    ["estimate", "t5-base", "-s", "lora", "--json"],
    ["compare", "t5-base", "bart-large-cnn", "--task", "summarization", "--json"],
    ["hub", "info", "t5-base", "--json"],
    ["hub", "discover", "--task", "summarization", "--json"],
    ["hub", "refresh", "--json"],
    ["interview", "--json"],
]
for args in CATALOG_COMMANDS:
    label = " ".join(args[:2])
    env = FORCE if args[0] == "interview" else {}
    tag, entry = BROKEN_FILES["python tag"], CATALOG_CONTENT["params nan"]
    case(
        f"{label} --catalog missing", [*args, "--catalog", "nope.yaml"], 2, env=env, message="does not exist"
    )
    case(
        f"{label} --catalog broken",
        [*args, "--catalog", "my.yaml"],
        1,
        env=env,
        files={"my.yaml": "models: [\n"},
    )
    case(f"{label} --catalog python tag", [*args, "--catalog", "my.yaml"], 1, env=env, files={"my.yaml": tag})
    case(
        f"{label} --catalog bad entry", [*args, "--catalog", "my.yaml"], 1, env=env, files={"my.yaml": entry}
    )
case(
    "WHICHMODEL_CACHE_DIR in an unknown home",
    ["hub", "info", "t5-base", "--json"],
    1,
    env={"WHICHMODEL_CACHE_DIR": "~nouser-wm/x"},
)
case("advise --discover offline", [*ADVISE, "--discover", "--json"], 1, message="offline")
case("WHICHMODEL_CATALOG missing", [*ADVISE, "--json"], 2, env={"WHICHMODEL_CATALOG": "nope.yaml"})
case(
    "WHICHMODEL_CATALOG broken",
    [*ADVISE, "--json"],
    1,
    env={"WHICHMODEL_CATALOG": "my.yaml"},
    files={"my.yaml": "[\n"},
)

# --- the interview and its --save file ----------------------------------------------------------------------

case("interview without a terminal", ["interview"], 2, message="terminal")
case("interview --save into a missing folder", ["interview", "--save", "nope/scope.yaml"], 2, env=FORCE)
case("interview --save a folder", ["interview", "--save", "folder"], 2, env=FORCE, files={"folder": DIR})
case("interview --format", ["interview", "--format", "xml"], 2, env=FORCE)
case("interview --json and --format", ["interview", "--json", "--format", "table"], 2, env=FORCE)

# --- the Hub snapshot, corrupt --------------------------------------------------------------------------------

SNAP = '{{"format": "whichmodel-hub-snapshot", "version": 1, "models": {{"x": {record}}}}}'
SNAPSHOTS = {
    "not json": "{",
    "binary": "\x00\x01",
    "a list": "[]",
    "other version": '{"format": "whichmodel-hub-snapshot", "version": 99, "models": {}}',
    "infinite downloads": SNAP.format(record='{"hub_id": "google-t5/t5-base", "downloads": 1e999}'),
    "NaN likes": SNAP.format(record='{"hub_id": "google-t5/t5-base", "likes": NaN}'),
    "bad gated": SNAP.format(record='{"hub_id": "google-t5/t5-base", "gated": [1]}'),
    "deep nesting": "[" * 100000 + "]" * 100000,
}
for label, text in SNAPSHOTS.items():
    case(
        f"hub info snapshot {label}",
        ["hub", "info", "t5-base", "--json"],
        1,
        snapshot=text,
        message="snapshot",
    )


# --- running them ------------------------------------------------------------------------------------------


def listing(folder: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        out[str(p.relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return out


def make_files(folder: Path, files: dict[str, object]) -> None:
    for rel, content in files.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if content is DIR:
            p.mkdir()
        elif content is DEV_ZERO:
            p.symlink_to("/dev/zero")
        elif content is FIFO:
            os.mkfifo(p)
        elif content is DANGLING:
            p.symlink_to("nowhere/target")
        elif content is LOOP:
            p.symlink_to(p.name)
        elif isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(str(content), encoding="utf-8")


def check_streams(c: Case, code: int, out: str, err: str) -> None:
    assert code == c.code, f"exit {code}, expected {c.code}\nstdout: {out[:500]}\nstderr: {err[:2000]}"
    assert "Traceback" not in err and "Internal error" not in err, err
    lines = err.rstrip("\n").split("\n")
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], f"one Error line, last:\n{err}"
    message = errors[0]
    assert len(message) <= 600, f"the Error line is {len(message)} characters: {message[:200]}..."
    assert message.endswith((".", "?", "!")), message
    if c.message:
        assert re.search(c.message, message, re.IGNORECASE), message
    for line in lines[:-1]:
        assert PROBLEM_LINE.match(line) or line.startswith("Warning: "), f"stray stderr line: {line!r}"
    validating = c.args[:2] == ["catalog", "validate"] and c.code == 1  # a usage error (exit 2) lists none
    if validating and "--json" in c.args:
        doc = json.loads(out)
        assert doc["ok"] is False and doc["problems"], doc
        for p in doc["problems"]:
            assert set(p) == {"file", "line", "field", "message"} and p["message"], p
    elif validating:
        assert out.strip(), "validate lists the problems on stdout"
        for line in out.splitlines():
            assert PROBLEM_LINE.match(line), f"not file:line: field: message: {line!r}"
    else:
        assert out == "", f"stdout on error: {out[:300]}"


# --- findings of the 0.1 reliability review (D1-D7, D9, D26): one case per spelling of each class ---------

FIFO = object()  # a named pipe nobody writes to (reading it would block)


def _merge_bomb(k: int = 3000) -> str:
    """D1: `<<` merge keys that copy one k-key mapping k times (119 KB at k=6000: 1.5 GB in 0.1)."""
    big = "big: &b {" + ", ".join(f"k{i}: 0" for i in range(k)) + "}\n"
    return big + "l: [" + ", ".join(["{<<: *b}"] * k) + "]\n"


MERGE_BOMB = _merge_bomb()
MERGE_SMALL = "tasks: [summarization]\nbase: &b {gpus: 1}\n<<: *b\n"
for where, args in (
    ("scope", ["advise", "--scope", "m.yaml", "--json"]),
    ("catalog", [*ADVISE, "--catalog", "m.yaml", "--json"]),
    ("validate", ["catalog", "validate", "m.yaml"]),
    ("estimate", ["estimate", "bert-base-uncased", "-s", "lora", "--catalog", "m.yaml", "--json"]),
):
    code = 2 if where == "scope" else 1
    case(
        f"D1 merge-key bomb {where}",
        args,
        code,
        files={"m.yaml": MERGE_BOMB},
        message="merge key" if where == "scope" else "",  # catalog problems: listed above
    )
    case(f"D1 small merge key {where}", args, code, files={"m.yaml": MERGE_SMALL})
case(
    "D1 merge-key bomb via WHICHMODEL_CATALOG",
    [*ADVISE, "--json"],
    1,
    files={"m.yaml": MERGE_BOMB},
    env={"WHICHMODEL_CATALOG": "m.yaml"},
)
case(
    "D1 explicit merge tag",
    ["advise", "--scope", "m.yaml"],
    2,
    files={"m.yaml": "tasks: [summarization]\n? !!merge x\n: 1\n"},
)

BIG_INT = "1" + "0" * 400
for fld in ("examples", "gpu_hours", "daily_requests", "gpus", "budget_usd", "max_input_tokens"):
    case(
        f"D2 400-digit {fld} yaml",
        ["advise", "--scope", "b.yaml", "--json"],
        2,
        files={"b.yaml": f"tasks: [summarization]\n{fld}: {BIG_INT}\n"},
    )
    case(
        f"D2 400-digit {fld} json",
        ["advise", "--scope", "b.json", "--json"],
        2,
        files={"b.json": json.dumps({"tasks": ["summarization"]})[:-1] + f', "{fld}": {BIG_INT}}}'},
    )

for spelling in ("1:30", "1:30:00", "-1:30", "1:30.5", "190:20:30"):
    for fld in ("gpus", "gpu_hours", "examples"):
        case(
            f"D3 sexagesimal {spelling} {fld}",
            ["advise", "--scope", "s.yaml", "--json"],
            2,
            files={"s.yaml": f"tasks: [summarization]\n{fld}: {spelling}\n"},
        )

case(
    "D5 bidi control in a catalog note",
    ["catalog", "validate", "c.yaml"],
    1,
    files={"c.yaml": MODEL + '  notes: "safe \\u202eevil"\n'},
)
case(
    "D5 bidi isolate in a catalog source",
    [*ADVISE, "--catalog", "c.yaml", "--json"],
    1,
    files={"c.yaml": MODEL.replace("[my notes]", '["my \\u2066notes"]')},
)

for where, args, code in (
    ("scope", ["advise", "--scope", "f.yaml", "--json"], 2),
    ("catalog", [*ADVISE, "--catalog", "f.yaml", "--json"], 1),
    ("validate", ["catalog", "validate", "f.yaml"], 1),
    ("compare", ["compare", "bert-base-uncased", "roberta-base", "--catalog", "f.yaml"], 1),
):
    case(f"D7 fifo {where}", args, code, files={"f.yaml": FIFO}, message="named pipe" if code == 2 else "")
    case(f"D7 device {where}", args, code, files={"f.yaml": DEV_ZERO}, message="device" if code == 2 else "")

ESC = "\x1b]0;hijacked\x07\x1b[2J"
for what, text in (
    ("id", f'models:\n- id: "evil{ESC}"\n  params_b: -1\n'),
    ("unknown key", MODEL + f'  "x{ESC}": 1\n'),
    ("section", f'"sect{ESC}": []\n'),
    ("weights rule", f'weights:\n  rules:\n    "rule{ESC}": 3\n'),
):
    case(
        f"D9 escape codes in a catalog {what}",
        ["catalog", "validate", "e.yaml"],
        1,
        files={"e.yaml": text.replace("\x1b", "\\e").replace("\x07", "\\a")},
    )  # YAML escapes
case(
    "D9 escape codes in a catalog file name",
    ["catalog", "validate", "d"],
    1,
    files={f"d/x{ESC}.yaml": "models: [{id: m}]\n"},
)

for value in ("\u00b2", "\u0661\u0662", "-3", "1e9", "99999999999999999999", " ", "0x20"):
    case(
        f"D26 COLUMNS={value!r} tasks unknown task", ["advise", "--task", "nosuch"], 2, env={"COLUMNS": value}
    )
case(
    "D26 very long cache dir", ["advise", "--task", "nosuch"], 2, env={"WHICHMODEL_CACHE_DIR": "/tmp/" + LONG}
)


# --- hostile pass II (inputs outside the 0.1 findings): one case per spelling of each class -----------------

# Separators that would change a value: a decimal comma ("1,2" once read as 12), stray or doubled ones
MISPLACED_SEPARATORS = ["1,2", ",1", "1,,0", "1,0000", "1.000,5", "1e3,5", "1__0", "_1", "1_", "1_k"]
for value in MISPLACED_SEPARATORS:
    case(f"advise --examples {value!r}", [*ADVISE, "--examples", value, "--json"], 2, message="not a number")
    case(
        f"advise --gpu-hours {value!r}", [*ADVISE, "--gpu-hours", value, "--json"], 2, message="not a number"
    )
    case(f"estimate --tokens {value!r}", [*EST, "--tokens", value, "--json"], 2, message="not a number")
    case(
        f"scope file examples {value!r}",
        ["advise", "--scope", "s.yaml", "--json"],
        2,
        files={"s.yaml": f'tasks: [summarization]\nexamples: "{value}"\n'},
        message="not a number",
    )
case(
    "advise --examples decimal comma hint", [*ADVISE, "--examples", "1,5"], 2, message="decimal takes a point"
)
for value in ["1e-300", "5e-324", "0.4"]:  # a fraction of one example is not "0 examples"
    case(
        f"advise --examples tiny {value}", [*ADVISE, "--examples", value, "--json"], 2, message="whole number"
    )

# File options: an empty path is not the current folder; a name the system refuses is one line; a dangling
# link at the output name is an existing entry (kept without --force)
FILE_OPTIONS = {
    "--scope": ["advise", "--scope"],
    "--catalog": [*ADVISE, "--catalog"],
    "catalog validate PATH": ["catalog", "validate"],
    "--output": [*RECIPE, "-o"],
    "--save": ["interview", "--save"],
}
for flag, args in FILE_OPTIONS.items():
    for value in ["", "  "]:
        case(f"{flag} {value!r}", [*args, value], 2, env=FORCE, message="path is empty")
for flag, args in [("--output", [*RECIPE, "-o"]), ("--save", ["interview", "--save"])]:
    for value in [LONG, f"d/{'y' * 300}"]:
        case(
            f"{flag} name too long {value[:4]!r}",
            [*args, value],
            2,
            env=FORCE,
            files={"d": DIR},
            message="cannot use",
        )
for kind, link in (("dangling", DANGLING), ("looping", LOOP)):
    case(
        f"recipe -o onto a {kind} link",
        [*RECIPE, "-o", "train.py"],
        2,
        files={"train.py": link},
        message="exists",
    )


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory):
    """One cache folder for the compiled catalog, so each case does not rebuild it."""
    return tmp_path_factory.mktemp("cache")


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_bad_input(c: Case, run, tmp_path, monkeypatch, shared_cache):
    work = tmp_path / "work"
    work.mkdir()
    make_files(work, c.files)
    cache = shared_cache
    if c.snapshot is not None:
        cache = tmp_path / "cache-with-snapshot"
        cache.mkdir()
        (cache / "hub-snapshot.json").write_text(c.snapshot, encoding="utf-8")
    snapshot_before = listing(cache).get("hub-snapshot.json")
    monkeypatch.chdir(work)
    before = listing(work)
    code, out, err = run(*c.args, input=c.stdin, env={"WHICHMODEL_CACHE_DIR": str(cache), **c.env})
    check_streams(c, code, out, err)
    # D9, D5: no control or bidi character from the input reaches the terminal, in any case of the table
    assert not UNPRINTABLE.search(out + err), repr(UNPRINTABLE.search(out + err))
    assert listing(work) == before, "the working folder changed"
    assert listing(cache).get("hub-snapshot.json") == snapshot_before, "the Hub snapshot was written"
    assert not (tmp_path / "pwned").exists() and not (work / "pwned").exists()


def test_the_table_covers_every_command(run):
    """Every command and subcommand the CLI has appears in the table."""
    from whichmodel.cli.app import build_command

    def paths(cmd, prefix=()):
        subs = getattr(cmd, "commands", None)
        if not subs:
            yield prefix
            return
        for name, sub in subs.items():
            yield from paths(sub, (*prefix, name))

    covered = {tuple(c.args[:2]) for c in CASES} | {tuple(c.args[:1]) for c in CASES}
    missing = [p for p in paths(build_command()) if p not in covered]
    assert not missing, f"commands without a bad-input case: {missing}"
    assert len(CASES) >= 300


def test_interview_with_bad_answers_then_end_of_input_writes_nothing(run, tmp_path, monkeypatch):
    """Bad answers are asked again; when the input ends the interview exits 130, saving nothing."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    bad = ["nosuch", "", "🙂", LONG, "nan", "-5", "1e999"]
    text = "\n".join(["summarization", *bad]) + "\n"
    code, out, err = run("interview", "--save", "scope.yaml", "--json", input=text, env=FORCE)
    assert code == 130, err
    assert out == "" and "Traceback" not in err and "Internal error" not in err
    assert err.rstrip().splitlines()[-1].startswith("Error: ")
    assert list(work.iterdir()) == []


# --- end to end: the installed script ------------------------------------------------------------------------

E2E = [
    Case("e2e nan budget", [*ADVISE, "--gpu-hours", "nan", "--json"], 2),
    Case("e2e path-like model", ["estimate", "../../etc/passwd", "-s", "lora", "--json"], 2),
    Case(
        "e2e python tag scope",
        ["advise", "--scope", "s.yaml", "--json"],
        2,
        files={"s.yaml": BROKEN_FILES["python tag"]},
    ),
    Case("e2e alias bomb catalog", ["catalog", "validate", "c.yaml"], 1, files={"c.yaml": ALIAS_BOMB}),
    Case(
        "e2e bad catalog entry",
        [*ADVISE, "--catalog", "c.yaml", "--json"],
        1,
        files={"c.yaml": CATALOG_CONTENT["params bool"]},
    ),
    Case("e2e interview no terminal", ["interview", "--save", "s.yaml"], 2),
]


def _script() -> str:
    exe = Path(sys.executable).with_name("whichmodel")
    found = str(exe) if exe.exists() else shutil.which("whichmodel")
    if not found:
        pytest.skip("the whichmodel script is not installed")
    return found


@pytest.mark.parametrize("c", E2E, ids=[c.id for c in E2E])
def test_bad_input_end_to_end(c: Case, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    make_files(work, c.files)
    env = {k: v for k, v in os.environ.items() if k not in ("WHICHMODEL_DEBUG", "WHICHMODEL_CATALOG")}
    env.update({"WHICHMODEL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1", "COLUMNS": "100"})
    before = listing(work)
    proc = subprocess.run(
        [_script(), *c.args],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    check_streams(c, proc.returncode, proc.stdout, proc.stderr)
    assert listing(work) == before
    assert not (tmp_path / "cache" / "hub-snapshot.json").exists()


# --- text that looks like markup is printed as written ----------------------------------------------------

MARKUP = (
    MODEL.replace("  sources: [my notes]\n", "  sources: ['[/bold] source [red]x']\n")
    + "  notes: '[/] closing [link=file:///etc/passwd]x[/link]'\n"
    + "  ready_for: '[/bold] ready for [red]'\n"
    + "  variant: task\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ["catalog", "show", "my-model"],
        ["catalog", "list", "--task", "text-classification"],
        ["advise", "--task", "text-classification", "--top", "50", "--explain"],
        ["advise", "--task", "text-classification", "--top", "50", "--format", "markdown"],
        ["compare", "my-model", "distilbert-sst2", "--task", "text-classification"],
        ["estimate", "my-model", "-s", "lora"],
    ],
    ids=["show", "list", "advise explain", "advise markdown", "compare", "estimate"],
)
def test_catalog_text_that_looks_like_markup_prints_as_written(run, tmp_path, args):
    path = tmp_path / "markup.yaml"
    path.write_text(MARKUP, encoding="utf-8")
    code, out, err = run(*args, "--catalog", str(path))
    assert code == 0, err
    assert "Error" not in err and "Traceback" not in err
    if args[:2] == ["catalog", "show"]:
        assert "[/bold] ready for [red]" in out and "[/] closing [link=file:///etc/passwd]x[/link]" in out


# --- text from the Hub cannot drive the terminal ----------------------------------------------------------

ESC = "\x1b[2J\x1b]0;pwned\x07"


def test_escape_sequences_from_the_hub_are_not_printed(run, monkeypatch, tmp_path):
    import fakehub

    hub = fakehub.start(monkeypatch, tmp_path)
    try:
        front = 'license: "mit\\e[2J\\e]0;pwned\\a"'  # YAML escapes: the parsed licence holds ESC and BEL
        readme = f"---\n{front}\n---\n\nA model card {ESC}paragraph that is long enough to show.\n"
        hub.add("evil/model", readme=readme, license=f"mit{ESC}", pipeline_tag="text-generation")
        for args in (["hub", "card", "evil/model"], ["hub", "info", "evil/model", "--live"]):
            code, out, err = run(*args)
            assert code == 0, err
            assert "\x1b" not in out and "\x07" not in out, out
            assert "mit" in out
    finally:
        hub.stop()


def test_hub_models_with_impossible_values_are_left_out_of_discover(run, monkeypatch, tmp_path):
    """A Hub listing may say anything; a model no catalog entry could hold is skipped, not a crash."""
    import fakehub

    hub = fakehub.start(monkeypatch, tmp_path)
    try:
        arch = ["T5ForConditionalGeneration"]
        hub.add("x/huge", params=10**20, pipeline_tag="summarization", architectures=arch, downloads=9)
        hub.add("x/fine", params=60_000_000, pipeline_tag="summarization", architectures=arch, downloads=5)
        code, out, err = run("advise", "--task", "summarization", "--discover", "--top", "300", "--json")
        assert code == 0, err
        doc = json.loads(out)
        listed = {r["hub_id"] for r in doc["recommendations"]} | {r["hub_id"] for r in doc["rejected"]}
        assert "x/fine" in listed and "x/huge" not in listed
    finally:
        hub.stop()


# --- findings of the 0.1 reliability review that need more than the table ---------------------------------


def test_merge_keys_are_refused_before_anything_expands(tmp_path):
    """D1: a merge-key bomb (and any `<<`) is refused on the composed tree, before construction copies it."""
    import time

    from whichmodel.catalog import read_file

    p = tmp_path / "m.yaml"
    p.write_text(_merge_bomb(6000))  # the finding's 119 KB file: 30 s and 1.5 GB in 0.1
    start = time.monotonic()
    result = read_file(p)
    assert time.monotonic() - start < 10  # catches a hang; benchmarks/ has the timing target
    assert result.doc is None and "merge key" in str(result.problems[0])
    q = tmp_path / "q.yaml"  # a quoted "<<" is a plain key, not a merge: reported as an unknown field
    q.write_text(MODEL + '  "<<": 1\n')
    assert "unknown field" in str(read_file(q).problems[0])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("examples: 0777", {"examples": 777}),  # YAML 1.1: 511
        ("examples: 0o17", {"examples": 15}),
        ("gpu_hours: 1e3", {"gpu_hours": 1000.0}),
        ("gpu_hours: 1_000", {"gpu_hours": 1000}),
        ("languages: [no, yes, on, off, y, n]", {"languages": ["no", "yes", "on", "off", "y", "n"]}),  # D4
        ("gpus: 1:30", {"gpus": "1:30"}),  # D3: YAML 1.1 read 90
        ("when: 2024-01-01", {"when": "2024-01-01"}),
        ("flag: true", {"flag": True}),
    ],
)
def test_yaml_scalars_follow_yaml_1_2(text, expected):
    """D3, D4: YAML 1.2 core scalars: no sexagesimal, no leading-zero octal, no yes/no/on/off booleans."""
    from whichmodel import yamlio

    assert yamlio.parse(Path("s.yaml"), text + "\n") == expected


def test_norwegian_is_a_language_not_false(run, tmp_path, monkeypatch):
    """D4: `languages: [no]` in a scope is Norwegian, not a type error."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.yaml").write_text("tasks: [summarization]\nlanguages: [no]\nexamples: 0777\n")
    code, out, err = run("advise", "--scope", "n.yaml", "--json")
    assert code == 0, err
    scope = json.loads(out)["scope"]
    assert scope["languages"] == ["no"] and scope["examples"] == 777


def test_a_plain_100k_model_json_catalog_is_not_an_alias_bomb(tmp_path):
    """D6: 100,000 plain JSON entries (2 million nodes, no aliases) validate; aliases alone are counted."""
    from whichmodel.catalog import load_catalog

    m = dict(
        family="encoder-only",
        objective="masked-lm",
        params_b=0.1,
        context_tokens=512,
        license="mit",
        languages=["en"],
        tasks=["text-classification"],
        sources=["my notes"],
    )
    p = tmp_path / "big.json"
    p.write_text(
        json.dumps({"models": [dict(m, id=f"big-{i}", hub_id=f"me/big-{i}") for i in range(100_000)]})
    )
    cat = load_catalog([p], use_env=False)
    assert len([k for k in cat.models if k.startswith("big-")]) == 100_000


def test_many_broken_entries_are_reported_linearly_with_lines(tmp_path):
    """D10: 2,000 broken entries are all reported, each with its own line, in one compose of the file
    (0.1 took 240 s); benchmarks/scale.py measures that validation time grows linearly."""
    import time

    from whichmodel.catalog import read_file

    p = tmp_path / "many.yaml"
    p.write_text("models:\n" + "".join(f"- {{id: m{i}}}\n" for i in range(2000)))
    start = time.monotonic()
    result = read_file(p)
    assert time.monotonic() - start < 10  # catches the quadratic case; the target is in benchmarks/
    lines = {pr.line for pr in result.problems}
    assert len(lines) == 2000 and min(lines) == 2 and max(lines) == 2001


def test_a_catalog_problem_line_is_looked_up_in_the_text_read_once(tmp_path, monkeypatch):
    """D7: the cross-check (an unknown task) finds its line in the text parsed, never reading the file again."""
    from whichmodel import paths
    from whichmodel.catalog import CatalogError, load_catalog

    p = tmp_path / "x.yaml"
    p.write_text(MODEL.replace("[text-classification]", "[nosuch-task]"))
    real = paths.read_bounded
    reads: list[str] = []
    monkeypatch.setattr(
        paths, "read_bounded", lambda path, *a, **k: reads.append(str(path)) or real(path, *a, **k)
    )
    with pytest.raises(CatalogError) as exc:
        load_catalog([p], use_env=False, cache=False)
    [problem] = exc.value.problems
    assert problem.line == 10 and "nosuch-task" in problem.message
    assert reads.count(str(p)) == 1


def test_an_unreadable_sub_folder_is_reported(tmp_path, monkeypatch):
    """D11: a folder os.walk cannot enter is a problem, not silently skipped; a path whose check fails
    (a name too long) is a problem, not an internal error."""
    import errno

    from whichmodel.catalog import CatalogError, load_catalog

    d = tmp_path / "d"
    (d / "locked").mkdir(parents=True)
    (d / "a.yaml").write_text("models: []\n")
    real_walk = os.walk

    def walk(top, onerror=None, **kw):  # as a non-root user with `chmod 000 d/locked` (root reads anything)
        for root, dirs, files in real_walk(top, onerror=onerror, **kw):
            if Path(root).name == "locked":
                onerror(PermissionError(errno.EACCES, "Permission denied", root))
                continue
            yield root, dirs, files

    monkeypatch.setattr(os, "walk", walk)
    with pytest.raises(CatalogError) as exc:
        load_catalog([d], use_env=False)
    assert any("locked" in p.file and "Permission denied" in p.message for p in exc.value.problems)
    with pytest.raises(CatalogError) as exc:
        load_catalog([tmp_path / ("x" * 5000)], use_env=False)
    assert "cannot be checked" in str(exc.value.problems[0]) or "does not exist" in str(exc.value.problems[0])


def test_problem_lines_escape_control_and_bidi_characters():
    """D9: every part of a problem line (file, field, message) shows escapes instead of raw codes."""
    from whichmodel.catalog import Problem

    text = str(Problem("d/x\x1b]0;t\x07.yaml", 3, "models[evil\x1b[2J].x\u202e", "bad\x9b value"))
    assert not UNPRINTABLE.search(text)
    assert "\\x1b" in text and "\\u202e" in text and text.startswith("d/x\\x1b]0;t\\x07.yaml:3: ")


def test_columns_zero_still_prints(run):
    """D25: COLUMNS=0 (and other widths below 20) is ignored, not an empty table."""
    code, out, err = run("advise", "--task", "summarization", env={"COLUMNS": "0"})
    assert code == 0 and len(out.splitlines()) > 5, (out, err)
    code, out2, err = run("tasks", env={"COLUMNS": "\u00b2"})
    assert code == 0 and "summarization" in out2


def _frames_in_packages(err: str) -> list[str]:
    """The files of a traceback that belong to an installed package (whichmodel, typer, pydantic, ...)."""
    import sysconfig

    stdlib = sysconfig.get_paths()["stdlib"]
    return [
        f
        for f in re.findall(r'File "([^"]+)"', err)
        if not f.startswith("<")
        and not f.startswith(stdlib)
        and not f.endswith(("/bin/whichmodel", "\\whichmodel"))
    ]


def test_ctrl_c_from_the_first_instant_never_prints_a_traceback(tmp_path):
    """D23: SIGINT at any moment of start-up ends in exit 130 with "Interrupted." (or the run had already
    finished, exit 0); never a traceback from whichmodel's code or its imports.

    The only window left is before any code of whichmodel's runs: the interpreter's own start-up and the
    `import re` of pip's generated script (a few ms; longer on a loaded machine). A traceback there has no
    frame in an installed package, which is what this test tells apart.
    """
    import signal
    import time

    env = {k: v for k, v in os.environ.items() if k != "WHICHMODEL_DEBUG"}
    env.update({"WHICHMODEL_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"})
    exe = _script()
    interrupted = 0
    for delay in (0.0, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.13, 0.16, 0.2, 0.25, 0.3):
        p = subprocess.Popen(
            [exe, "advise", "--task", "summarization"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        if "Traceback" in err or "Fatal Python error" in err:
            assert not _frames_in_packages(err), (delay, err)
            continue
        # -SIGINT: the signal came before Python had started (its default action ends the process silently)
        assert p.returncode in (0, 130, -signal.SIGINT), (delay, p.returncode, err)
        if p.returncode == 130:
            interrupted += 1
            assert err.strip() == "Interrupted.", (delay, err)
    assert interrupted >= 3, "the runs were never interrupted inside whichmodel: the test proves nothing"


@pytest.mark.parametrize(
    "text, expected",
    [("1,000", 1000), ("12,345.5", 12345.5), ("1,000,000", 1e6), ("1_000", 1000), ("1_000_000", 1e6),
     ("1,000k", 1e6), ("5k", 5000), ("-0", 0.0)],
)  # fmt: skip
def test_separators_are_read_where_they_cannot_change_a_value(text, expected):
    from whichmodel.numbers import parse_number

    value = parse_number(text)
    assert value == expected
    assert math.copysign(1.0, value) == 1.0, "a negative zero is read as 0"


@pytest.mark.parametrize("text", MISPLACED_SEPARATORS)
def test_misplaced_separators_are_not_numbers(text):
    from whichmodel.numbers import parse_number

    with pytest.raises(ValueError, match="not a number"):
        parse_number(text)
