"""The scope of an application: what the user told us, normalized against the catalog.

A scope comes from flags, a scope file (YAML or JSON mapping of the same fields) or the interview.
``ScopeInput`` is the document (every field optional); :func:`normalize` resolves names against the
catalog, applies defaults and lists every default it applied in ``assumed``.
"""

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from whichmodel.catalog import Catalog, UnknownName
from whichmodel.numbers import parse_number
from whichmodel.vocab import DEFAULT_GPU, LICENSE_NEEDS, PREFER, LicenseNeed, Prefer

DEFAULTS: dict[str, Any] = {
    "languages": ["en"],
    "examples": 0,
    "domain_tokens": 0,
    "input_tokens": 512,
    "gpu_hours": 0.0,
    "gpu": DEFAULT_GPU,
    "gpus": 1,
    "license": "any",
    "top": 5,
    "prefer": "balanced",
}
# Languages assumed when none are given, by task id (an assumption, listed in ``assumed``): one source for
# `advise` and the interview. Code generation reads English prompts and writes code; a translation needs two
# languages, and "multi" stands for a pair not named yet. Other tasks: DEFAULTS["languages"].
TASK_LANGUAGES: dict[str, list[str]] = {"translation": ["multi"], "code-generation": ["en", "code"]}
LANGUAGES_WHY: dict[str, str] = {
    "translation": "no language given; translation needs two, so many ('multi') assumed",
    "code-generation": "no language given; English prompts and programming languages assumed",
}


def default_languages(task_ids: list[str]) -> tuple[list[str], str]:
    """The languages assumed for these tasks when none are given, and why (the first task with a rule wins)."""
    for tid in task_ids:
        if tid in TASK_LANGUAGES:
            return list(TASK_LANGUAGES[tid]), LANGUAGES_WHY[tid]
    return list(DEFAULTS["languages"]), WHY["languages"]


WHY: dict[str, str] = {
    "languages": "no language given; English assumed",
    "examples": "no labelled examples given; none assumed",
    "domain_tokens": "no in-domain text given; none assumed",
    "input_tokens": "no input length given; a typical 512-token input assumed",
    "gpu_hours": "no training budget given; none assumed (use checkpoints as they are)",
    "gpu": "no accelerator given; an A100 80GB assumed for training estimates",
    "gpus": "no GPU count given; one assumed",
    "serve": "no serving target given; the training accelerator assumed",
    "license": "no licence need given; any licence accepted (each one's terms are still shown)",
    "top": "five recommendations by default",
    "prefer": "no preference given; balanced (the cheaper of two candidates within a small quality margin)",
}

# The largest value each count may take: past these a number is a typo, not a plan, and the estimator
# (whose own limits are wider) would refuse the jobs it implies.
MAXIMUM: dict[str, float] = {
    "examples": 1e12,  # a trillion labelled examples
    "domain_tokens": 1e15,  # a quadrillion tokens, ~25x the largest published pre-training corpora
    "input_tokens": 1e8,  # a hundred million tokens, ~10x the longest context windows
    "gpu_hours": 1e10,  # ~300x the largest published training runs (tens of millions of GPU-hours)
    "gpus": 1e7,
    "top": 1e6,
    "daily_tokens": 1e15,
}
WHOLE_TOLERANCE = 1e-9  # relative: "1.1k" parses as 1100.0000000000002, still whole; 1e-300 is not 0
DOMAIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._+-]*$")


def _count(value: Any, field: str, *, positive: bool = False, whole: bool = True) -> Any:
    if value is None:
        return None
    try:
        number = parse_number(value)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    if number < 0 or (positive and number == 0):
        raise ValueError(f"must be {'greater than 0' if positive else 'at least 0'} (got {value!r})")
    limit = MAXIMUM[field]
    if number > limit:
        raise ValueError(f"{value!r} is too large (at most {limit:,.0f})")
    if whole and abs(number - round(number)) > WHOLE_TOLERANCE * number:
        raise ValueError(f"{value!r} is not a whole number")
    return round(number) if whole else number


class ScopeInput(BaseModel):
    """A scope file: a mapping of these fields (all optional; flags override them). Its validators are built
    on first use (a scope file, the interview): flags go through :meth:`from_flags`, which needs none."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    tasks: list[Annotated[str, Field(min_length=1, max_length=80)]] | None = Field(
        default=None, description="Task ids or aliases (see `whichmodel tasks`)."
    )
    languages: list[Annotated[str, Field(min_length=1, max_length=20)]] | None = Field(
        default=None, description="ISO 639-1 codes, 'code' for programming languages, or 'multi' for many."
    )
    examples: int | None = Field(default=None, description="Labelled training examples.")
    domain_tokens: int | None = Field(default=None, description="Unlabelled in-domain text, in tokens.")
    input_tokens: int | None = Field(
        default=None, description="Longest input the model must read, in tokens."
    )
    gpu_hours: float | None = Field(default=None, description="Training budget in GPU-hours (0 = none).")
    gpu: str | None = Field(default=None, description="Training accelerator id or alias.")
    gpus: int | None = Field(default=None, description="How many training accelerators.")
    serve: str | None = Field(default=None, description="Where it will run: an accelerator id, cpu or edge.")
    license: LicenseNeed | None = Field(
        default=None, description="any, open (OSI) or commercial (no cap/restrictions)."
    )
    domain: str | None = Field(
        default=None, description="Domain: biomedical, legal, finance, scientific, code, ..."
    )
    top: int | None = Field(default=None, description="How many recommendations (at least 1).")
    labels: list[Annotated[str, Field(min_length=1, max_length=80)]] | None = Field(
        default=None, description="The user's classes or entity types (PER, ORG, ...; positive, negative)."
    )
    source_languages: list[Annotated[str, Field(min_length=1, max_length=20)]] | None = Field(
        default=None, description="Translation: languages translated from (ISO 639-1)."
    )
    target_languages: list[Annotated[str, Field(min_length=1, max_length=20)]] | None = Field(
        default=None, description="Translation: languages translated into (ISO 639-1)."
    )
    prefer: Prefer | None = Field(
        default=None, description="quality, balanced or cost: how cost trades against expected quality."
    )
    daily_tokens: int | None = Field(
        default=None, description="Production traffic in tokens per day, for a monthly serving cost."
    )

    @field_validator("*", mode="before")
    @classmethod
    def _parse(cls, v: Any, info: Any) -> Any:
        return PARSERS[info.field_name](v)

    @classmethod
    def from_flags(cls, flags: dict[str, str | list[str] | None]) -> "ScopeInput":
        """A scope from command-line strings: the same parsers as a scope file, without building pydantic's
        validators (flags are always strings, so the type checks a file needs cannot fail here)."""
        values: dict[str, Any] = {}
        for name, raw in flags.items():
            if raw is None or raw == []:
                continue
            if name not in PARSERS:
                raise ScopeFieldError(name, "unknown scope field")
            try:
                values[name] = PARSERS[name](raw)
            except ValueError as exc:
                raise ScopeFieldError(name, str(exc)) from None
        return cls.model_construct(**values)


class ScopeFieldError(ValueError):
    """A flag's value is invalid; ``field`` names the scope field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# What each list field holds, for its error messages: (plural noun, an example of the list written well).
LIST_WORDS: dict[str, tuple[str, str]] = {
    "tasks": ("tasks", "summarization,ner"),
    "languages": ("languages", "en,de"),
    "labels": ("labels", "PER,ORG,LOC"),
    "source_languages": ("source languages", "en,de"),
    "target_languages": ("target languages", "fr,ja"),
}


def _items(field: str, max_length: int) -> Any:
    """The parser of a list field: a comma-separated string, or a list whose strings may hold commas (a flag
    given several times, a scope file's list). Every item is stripped; an empty item (``a,,b``, ``,``, ``""``)
    and an item given twice (compared case-insensitively) are errors naming the item and the fix, never
    dropped silently. Items that are not strings are left for pydantic to report."""
    noun, example = LIST_WORDS[field]

    def parse(v: Any) -> Any:
        if not isinstance(v, str | list):
            return v  # pydantic reports the type
        raw = [v] if isinstance(v, str) else v
        out: list[Any] = []
        seen: dict[str, str] = {}
        for entry in raw:
            if not isinstance(entry, str):
                out.append(entry)
                continue
            if not entry.strip():
                raise ValueError(f"empty; give one or more {noun}, e.g. {example}")
            for part in entry.split(","):
                item = part.strip()
                if not item:
                    shown = entry if len(entry) <= 40 else entry[:40] + "..."
                    raise ValueError(
                        f"{shown!r} has an empty item; give the {noun} separated by single commas, e.g. {example}"
                    )
                if len(item) > max_length:
                    raise ValueError(f"{item[:40]!r} must be 1 to {max_length} characters")
                key = item.lower()
                if key in seen:
                    raise ValueError(f"{item!r} is given twice; give each of the {noun} once")
                seen[key] = item
                out.append(item)
        return out

    return parse


def _lower(v: Any) -> Any:
    return v.strip().lower() if isinstance(v, str) else v


def _domain(v: Any) -> Any:
    if not isinstance(v, str):
        return v  # pydantic reports the type
    word = "-".join(v.strip().lower().replace("_", " ").split())
    if not word or len(word) > 60 or not DOMAIN_PATTERN.match(word):
        raise ValueError(
            f"{v!r} is not a domain name (one word of letters, digits and dashes, such as biomedical)"
        )
    return word


def _license(v: Any) -> Any:
    v = _lower(v)
    if isinstance(v, str) and v not in LICENSE_NEEDS:
        raise ValueError(f"{v!r} is not one of {', '.join(LICENSE_NEEDS)}")
    return v


def _prefer(v: Any) -> Any:
    v = _lower(v)
    if isinstance(v, str) and v not in PREFER:
        raise ValueError(f"{v!r} is not one of {', '.join(PREFER)}")
    return v


# One parser per field: used by scope files (through pydantic, which then checks the types) and by flags.
PARSERS: dict[str, Any] = {
    "tasks": _items("tasks", 80),
    "languages": _items("languages", 20),
    "examples": lambda v: _count(v, "examples"),
    "domain_tokens": lambda v: _count(v, "domain_tokens"),
    "input_tokens": lambda v: _count(v, "input_tokens", positive=True),
    "gpus": lambda v: _count(v, "gpus", positive=True),
    "top": lambda v: _count(v, "top", positive=True),
    "gpu_hours": lambda v: _count(v, "gpu_hours", whole=False),
    "gpu": _lower,
    "serve": _lower,
    "domain": _domain,
    "license": _license,
    "labels": _items("labels", 80),
    "source_languages": _items("source_languages", 20),
    "target_languages": _items("target_languages", 20),
    "prefer": _prefer,
    "daily_tokens": lambda v: _count(v, "daily_tokens"),
}


class Assumed(BaseModel):
    model_config = ConfigDict(defer_build=True)

    field: str
    value: Any
    why: str


class Scope(BaseModel):
    """The normalized scope: names resolved, defaults applied and listed in ``assumed``."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    tasks: list[str]
    task_words: list[str] = Field(default_factory=list, description="The task words as given (aliases kept).")
    languages: list[str]
    examples: int
    domain_tokens: int
    input_tokens: int
    gpu_hours: float
    gpu: str
    gpus: int
    serve: str
    license: LicenseNeed
    domain: str | None = None
    top: int
    labels: list[str] = Field(default_factory=list, description="The user's classes or entity types.")
    directions: list[str] = Field(
        default_factory=list, description="Translation directions needed, 'src-tgt' (translation tasks only)."
    )
    prefer: Prefer = "balanced"
    daily_tokens: int | None = None
    assumed: list[Assumed] = Field(default_factory=list)

    def to_input(self) -> dict[str, Any]:
        """The scope as a scope file (replays exactly through ``advise --scope``)."""
        data = self.model_dump(mode="json", exclude={"assumed", "task_words", "directions"})
        if self.task_words:
            data["tasks"] = list(self.task_words)
        if self.directions and self.source_pairs_given:
            data["source_languages"] = sorted({d.split("-")[0] for d in self.directions})
            data["target_languages"] = sorted({d.split("-")[1] for d in self.directions})
        return {k: v for k, v in data.items() if v is not None and v != []}

    @property
    def source_pairs_given(self) -> bool:
        return not any(a.field == "directions" for a in self.assumed)


class ScopeProblem(ValueError):
    """A scope value the catalog cannot resolve; ``field`` names it, ``matches`` are close names, ``hint`` the
    fix when it is not the field's usual one."""

    def __init__(self, field: str, message: str, matches: list[str] | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.matches = matches or []
        self.hint = hint


LANGUAGE_SPECIALS = {"code", "multi"}
LANGUAGE_ALIASES = {"multilingual": "multi", "many": "multi"}


def _close_languages(word: str, catalog: Catalog) -> list[str]:
    """Codes close to an unknown language word: the code of a language named so (german -> de), else codes
    and names that differ by a letter or two."""
    import difflib

    low = word.strip().lower()
    named = [lang.id for lang in catalog.languages.values() if lang.name.lower() == low]
    if named:
        return named
    names = {lang.name.lower(): lang.id for lang in catalog.languages.values()}
    near = [names[n] for n in difflib.get_close_matches(low, list(names), n=2, cutoff=0.75)]
    if len(low) <= 3:
        near += difflib.get_close_matches(low, list(catalog.languages), n=3, cutoff=0.5)
    return list(dict.fromkeys(near))[:4]


def _codes(raw: list[str], field: str, catalog: Catalog, natural: bool = False) -> list[str]:
    """Language codes checked against the catalog's languages (catalog/languages.yaml); an alias of a code
    already given is an error like any item given twice."""
    out: list[str] = []
    given: dict[str, str] = {}
    for lang in raw:
        code = lang.strip().lower()
        code = LANGUAGE_ALIASES.get(code, code)
        special = code in LANGUAGE_SPECIALS and not natural
        kind = "an ISO 639-1 code" if natural else "an ISO 639-1 code, 'code' or 'multi'"
        if not (special or (code.isalpha() and 2 <= len(code) <= 3 and code not in LANGUAGE_SPECIALS)):
            raise ScopeProblem(field, f"{lang!r} is not {kind}", _close_languages(lang, catalog))
        if not special and catalog.languages and code not in catalog.languages:
            raise ScopeProblem(
                field,
                f"{lang!r} is not a language code the catalog knows",
                _close_languages(lang, catalog),
            )
        if code in given:
            raise ScopeProblem(
                field, f"{lang!r} and {given[code]!r} name the same language", hint="Give each language once"
            )
        given[code] = lang
        out.append(code)
    return out


def _directions(
    tasks: list[str], languages: list[str], src: list[str], tgt: list[str], assumed: list[Assumed]
) -> list[str]:
    """Translation directions needed: every source to every target; with --language alone, every pair."""
    if "translation" not in tasks:
        if src or tgt:
            field = "source_languages" if src else "target_languages"
            raise ScopeProblem(
                field,
                "names a translation direction, but the task is not translation",
                hint="Add --task translation, or give the text's languages with --language",
            )
        return []
    natural = [lang for lang in languages if lang not in LANGUAGE_SPECIALS]
    if src or tgt:
        sources = src or [lang for lang in natural if lang not in tgt]
        targets = tgt or [lang for lang in natural if lang not in src]
        pairs = [f"{a}-{b}" for a in sources for b in targets if a != b]
        if not pairs:
            if src and tgt:
                raise ScopeProblem(
                    "target_languages",
                    f"translating {', '.join(src)} into {', '.join(tgt)} needs no model",
                    hint="Give a target language other than the source",
                )
            field, other = (
                ("source_languages", "--target-language")
                if src
                else ("target_languages", "--source-language")
            )
            raise ScopeProblem(
                field,
                "names one side of the translation only",
                hint=f"Give the other side with {other} (or both languages with --language)",
            )
        return pairs
    pairs = [f"{a}-{b}" for a in natural for b in natural if a != b]
    if len(natural) == 1 and "multi" not in languages:
        raise ScopeProblem(
            "languages",
            f"translation needs two languages and {natural[0]!r} is one",
            hint=f"Add the other (--language {natural[0]},de) or give --source-language and --target-language",
        )
    if pairs:
        assumed.append(
            Assumed.model_construct(
                field="directions",
                value=pairs,
                why="no --source-language/--target-language given; every direction among the languages assumed",
            )
        )
    return pairs


def normalize(raw: ScopeInput, catalog: Catalog) -> Scope:
    """Resolve names against the catalog and fill defaults; every default lands in ``assumed``."""
    assumed: list[Assumed] = []
    # what raw.model_dump() gives (every field, lists copied), without building the serializer
    values: dict[str, Any] = {
        name: list(v) if isinstance(v := getattr(raw, name), list) else v for name in type(raw).model_fields
    }

    if not raw.tasks:
        raise ScopeProblem("tasks", "no task given (use --task, e.g. --task summarization)")
    tasks: list[str] = []
    words: list[str] = []
    for name in raw.tasks:
        try:
            tid = catalog.task(name).id
        except UnknownName as exc:
            raise ScopeProblem("tasks", f"unknown task {name!r}", exc.matches) from None
        if tid in tasks:
            first = words[tasks.index(tid)]
            raise ScopeProblem(
                "tasks", f"{name!r} and {first!r} name the same task ({tid})", hint="Give each task once"
            )
        tasks.append(tid)
        words.append(name.strip().lower())
    values["tasks"] = tasks
    values["task_words"] = words

    for key, default in DEFAULTS.items():
        if values.get(key) is None:
            why = WHY[key]
            if key == "languages":
                default, why = default_languages(tasks)
            values[key] = default
            assumed.append(Assumed.model_construct(field=key, value=default, why=why))

    src = _codes(values.pop("source_languages", None) or [], "source_languages", catalog, natural=True)
    tgt = _codes(values.pop("target_languages", None) or [], "target_languages", catalog, natural=True)
    languages = _codes(values["languages"], "languages", catalog)
    if any(a.field == "languages" for a in assumed) and (src or tgt):
        assumed = [a for a in assumed if a.field != "languages"]
        languages = []
    for code in [*src, *tgt]:
        if code not in languages:
            languages.append(code)
    values["languages"] = languages
    values["directions"] = _directions(tasks, languages, src, tgt, assumed)
    values["labels"] = values.get("labels") or []

    try:
        values["gpu"] = catalog.accelerator(values["gpu"]).id
    except UnknownName as exc:
        raise ScopeProblem("gpu", f"unknown accelerator {values['gpu']!r}", exc.matches) from None

    if values.get("serve") is None:
        values["serve"] = values["gpu"]
        assumed.append(Assumed.model_construct(field="serve", value=values["gpu"], why=WHY["serve"]))
    elif values["serve"] not in catalog.serving:
        try:
            values["serve"] = catalog.accelerator(values["serve"]).id
        except UnknownName as exc:
            names = list(catalog.serving) + exc.matches
            raise ScopeProblem("serve", f"unknown serving target {values['serve']!r}", names[:4]) from None

    if values["top"] < 1:
        raise ScopeProblem("top", "must be at least 1")
    values["assumed"] = assumed
    return Scope.model_construct(**values)
