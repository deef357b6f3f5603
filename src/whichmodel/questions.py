"""The interview's questions, as data: what each asks, why it matters, its default, how an answer is read.

Pure: nothing here prints or reads a terminal. ``whichmodel interview`` (``cli/interview.py``) walks
:data:`QUESTIONS` in order, skips those that do not apply to the answers so far, shows each question's
default (Enter accepts it) and passes the typed text to :func:`answer`, which returns the value for the
scope field or raises :class:`Invalid` with a sentence explaining the problem (and, for a near miss, a
suggestion to confirm). The answers form a scope document (:class:`whichmodel.scope.ScopeInput`) that
``advise --scope`` replays.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from whichmodel.catalog import Catalog, UnknownName
from whichmodel.numbers import parse_number
from whichmodel.scope import DEFAULTS, ScopeInput, default_languages
from whichmodel.vocab import LICENSE_NEED_HELP, LICENSE_NEEDS


class Invalid(ValueError):
    """An answer that cannot be used. ``message`` says why; ``suggestion`` is an answer to offer instead."""

    def __init__(self, message: str, suggestion: str | None = None, label: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion
        self.label = label or suggestion  # how to name the suggestion in "did you mean ...?"


@dataclass
class Context:
    """What a question may depend on: the catalog and the answers given so far (scope field -> value)."""

    catalog: Catalog
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """One entry of a numbered list shown with a question (the task list)."""

    key: str
    description: str


@dataclass(frozen=True)
class Question:
    id: str  # the scope field it fills
    label: str  # how the summary names the answer
    text: str  # the question itself
    why: str  # one line on why it matters
    hint: str | Callable[[Context], str]  # how to answer
    default: Callable[[Context], str]  # the answer Enter stands for, as text
    parse: Callable[[str, Context], Any]  # text -> value, or raise Invalid
    applies: Callable[[Context], bool] = lambda ctx: True
    skipped_because: str = ""  # why it is not asked when it does not apply
    choices: Callable[[Context], list[Choice]] | None = None  # the numbered list the line prompt shows
    tty_hint: str = ""  # the hint where a terminal offers choices itself (Tab, a list); else ``hint``
    # How a terminal asks it: "text" (typed, checked as you type) or "select" (one of ``options``, arrow keys,
    # type to filter). ``completions`` are the words Tab completes (``multiple``: a comma-separated list).
    kind: str = "text"
    options: Callable[[Context], list[Choice]] | None = None
    completions: Callable[[Context], list[Choice]] | None = None
    multiple: bool = False
    blank: str = (
        "general"  # the answer that stands for no value (None): general domain, no labels, any language
    )

    def hint_text(self, ctx: Context) -> str:
        return self.hint(ctx) if callable(self.hint) else self.hint


# -- answers to values ---------------------------------------------------------------------------------

NONE_WORDS = {"none", "no", "zero", "nothing", "nil", "-", "n/a", "na"}
YES = {"y", "yes", "yep", "yeah", "ok", "okay", "sure", "true", "1"}
NO = {"n", "no", "nope", "false", "0"}

# Common language names -> ISO 639-1 codes (ISO 639-1 code list, Library of Congress).
LANGUAGE_NAMES = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it", "portuguese": "pt",
    "dutch": "nl", "swedish": "sv", "norwegian": "no", "danish": "da", "finnish": "fi", "polish": "pl",
    "czech": "cs", "romanian": "ro", "greek": "el", "turkish": "tr", "russian": "ru", "ukrainian": "uk",
    "arabic": "ar", "hebrew": "he", "persian": "fa", "hindi": "hi", "bengali": "bn", "urdu": "ur",
    "chinese": "zh", "mandarin": "zh", "japanese": "ja", "korean": "ko", "vietnamese": "vi", "thai": "th",
    "indonesian": "id", "malay": "ms", "swahili": "sw", "hungarian": "hu", "catalan": "ca",
    "programming": "code", "source-code": "code", "multilingual": "multi", "many": "multi", "all": "multi",
}  # fmt: skip


DONE = "done"  # typed at any question: take the defaults for it and every later one


def is_done(text: str) -> bool:
    return text.strip().lower() == DONE


def parse_yes_no(text: str, default: bool) -> bool:
    t = text.strip().lower()
    if not t:
        return default
    if t in YES:
        return True
    if t in NO:
        return False
    raise Invalid(f"{text.strip()!r} is neither yes nor no; answer y or n")


def _field_check(fieldname: str, value: Any) -> Any:
    """Validate one value exactly as a scope file would be (the same limits and messages)."""
    try:
        return getattr(ScopeInput.model_validate({fieldname: value}), fieldname)
    except ValidationError as exc:
        msg = str(exc.errors(include_url=False)[0].get("msg", "invalid"))
        raise Invalid(msg.removeprefix("Value error, ")) from None


def _number(text: str, fieldname: str, *, whole: bool, positive: bool = False) -> Any:
    t = text.strip().lower()
    if t in NONE_WORDS:
        if positive:
            raise Invalid("it must be greater than 0")
        return 0 if whole else 0.0
    t = re.sub(r"\s*(tokens?|examples?|labels?|gpu-?hours?|hours?|h|gpus?)$", "", t)
    t = re.sub(r"^(about|around|roughly|approx(imately)?|nearly|almost|~|≈)\s*", "", t)
    for word, suffix in (("thousand", "k"), ("million", "M"), ("billion", "B"), ("trillion", "T")):
        t = re.sub(rf"\s*\b{word}s?$", suffix, t)
    if t.startswith("-"):
        raise Invalid(f"{text.strip()!r} is negative; it must be at least 0")
    try:
        number = parse_number(t)
    except ValueError:
        raise Invalid(f"{text.strip()!r} is not a number; write it like 500, 5k, 1.5M or 2B") from None
    if number < 0:
        raise Invalid(f"{text.strip()!r} is negative; it must be at least 0")
    if positive and number == 0:
        raise Invalid("it must be greater than 0")
    if whole and number != round(number) and number < 1000:
        raise Invalid(f"{text.strip()!r} is not a whole number")
    value = _field_check(fieldname, t)
    return value


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;/]|\band\b", text) if p.strip()]


# -- near misses ------------------------------------------------------------------------------------------

CLOSE_ENOUGH = 0.75  # difflib ratio above which a name is offered as "did you mean ...?"


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def near_miss(name: str, names: dict[str, str]) -> str | None:
    """The id a misspelt ``name`` most likely means (``names`` maps every id and alias to its id), or None.

    Only a close spelling counts (or an unambiguous prefix of four letters or more): a far-fetched
    match is listed as "closest", never offered as the answer.
    """
    q = _norm(name)
    if not q:
        return None
    scored = sorted(
        ((difflib.SequenceMatcher(None, q, key).ratio(), key) for key in names), key=lambda x: (-x[0], x[1])
    )
    if scored and scored[0][0] >= CLOSE_ENOUGH:
        return names[scored[0][1]]
    prefixed = {names[key] for key in names if len(q) >= 4 and key.startswith(q)}
    return prefixed.pop() if len(prefixed) == 1 else None


def task_names(catalog: Catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    for t in catalog.tasks.values():
        for name in (t.id, *t.aliases, t.pipeline_tag or t.id):
            out.setdefault(_norm(name), t.id)
    return out


def accelerator_names(catalog: Catalog) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in catalog.accelerators.values():
        for name in (a.id, *a.aliases):
            out.setdefault(_norm(name), a.id)
    return out


def _closest_text(matches: Sequence[str]) -> str:
    return f" (closest: {', '.join(matches)})" if matches else ""


# -- the task ---------------------------------------------------------------------------------------------


def task_choices(ctx: Context) -> list[Choice]:
    return [Choice(t.id, t.description) for t in ctx.catalog.tasks.values()]


def _task_default(ctx: Context) -> str:
    return next(iter(ctx.catalog.tasks))


def _one_task(part: str, ctx: Context) -> str:
    """A task id for a number, id, alias; or Invalid with a suggestion for a misspelling or a sentence."""
    ids = list(ctx.catalog.tasks)
    p = part.strip().rstrip(".")
    if p.isdigit():
        n = int(p)
        if 1 <= n <= len(ids):
            return ids[n - 1]
        raise Invalid(f"there is no task number {n}; pick 1 to {len(ids)}")
    try:
        tid = ctx.catalog.task(p).id
    except UnknownName as exc:
        matches = exc.matches
    else:
        # keep an alias as typed ("sentiment", "ner"): it says more than the task id (the label set)
        word = p.lower()
        return word if word != tid and re.fullmatch(r"[a-z0-9][a-z0-9._+-]*", word) else tid
    words = re.findall(r"[a-z0-9]+", p.lower())
    if len(words) > 1:  # a sentence: look for a task name among its words and word pairs
        found: list[str] = []
        grams = [*("-".join(words[i : i + 2]) for i in range(len(words) - 1)), *words]
        for gram in grams:
            try:
                tid = ctx.catalog.task(gram).id
            except UnknownName:
                continue
            if tid not in found:
                found.append(tid)
        if found:
            raise Invalid(f"{p!r} is not a task name", suggestion=found[0])
    close = near_miss(p, task_names(ctx.catalog))
    if close:
        raise Invalid(f"{p!r} is not a task I know", suggestion=close)
    raise Invalid(
        f"{p!r} is not a task I know{_closest_text(matches)}; type a number from the list, a task id or an alias"
    )


def parse_tasks(text: str, ctx: Context) -> list[str]:
    parts = [p for p in re.split(r"[,;]", text) if p.strip()]
    if not parts:
        raise Invalid("name at least one task")
    tasks: list[str] = []
    for i, part in enumerate(parts):
        try:
            tid = _one_task(part, ctx)
        except Invalid as exc:
            if exc.suggestion is None:
                raise
            fixed = [*parts[:i], exc.suggestion, *parts[i + 1 :]]
            suggestion = ", ".join(p.strip() for p in fixed)
            raise Invalid(exc.message, suggestion=suggestion, label=exc.suggestion) from None
        if tid not in tasks:
            tasks.append(tid)
    return tasks


# -- languages --------------------------------------------------------------------------------------------


def _task_ids(ctx: Context) -> set[str]:
    """The task ids of the answers so far (answers may keep the aliases the user typed)."""
    return {ctx.catalog.task(t).id for t in ctx.answers.get("tasks") or []}


def _languages_default(ctx: Context) -> str:
    """The languages `advise` assumes for these tasks (one source: :func:`whichmodel.scope.default_languages`)."""
    tasks = list(dict.fromkeys(ctx.catalog.task(t).id for t in ctx.answers.get("tasks") or []))
    return ", ".join(default_languages(tasks)[0])


def parse_languages(text: str, ctx: Context) -> list[str]:
    out: list[str] = []
    for part in _split(text):
        p = part.lower().replace(" ", "-")
        code = LANGUAGE_NAMES.get(p, p)
        if not (code in ("code", "multi") or (code.isalpha() and 2 <= len(code) <= 3)):
            close = difflib.get_close_matches(p, list(LANGUAGE_NAMES), n=1, cutoff=0.75)
            if close:
                suggestion = ", ".join(LANGUAGE_NAMES[close[0]] if x == part else x for x in _split(text))
                raise Invalid(f"{part!r} is not a language code", suggestion=suggestion, label=close[0])
            raise Invalid(
                f"{part!r} is not a language: use ISO 639-1 codes such as en, fr, de, zh, "
                "'code' for programming languages or 'multi' for many"
            )
        if code not in out:
            out.append(code)
    if not out:
        raise Invalid("name at least one language (en, fr, ..., code or multi)")
    _known_codes(out, ctx, "languages")
    spoken = [c for c in out if c != "code"]
    if "translation" in _task_ids(ctx) and "multi" not in out and len(spoken) < 2:
        raise Invalid("translation needs at least two languages (source and target), e.g. en, de; or multi")
    return out


def _known_codes(codes: list[str], ctx: Context, fieldname: str) -> None:
    """Each code is one the catalog knows (catalog/languages.yaml), as `advise` checks it."""
    from whichmodel.scope import ScopeProblem, _codes

    try:
        _codes(codes, fieldname, ctx.catalog, natural=fieldname != "languages")
    except ScopeProblem as exc:
        bad = exc.message.split("'")[1] if "'" in exc.message else ""
        if exc.matches and len(bad) > 3:  # a language name (japanse -> ja); a code is not guessed at
            fixed = ", ".join(exc.matches[0] if c == bad else c for c in codes)
            raise Invalid(exc.message, suggestion=fixed, label=exc.matches[0]) from None
        raise Invalid(exc.message) from None


ANY = "any"  # a translation side left open: every language (as `advise` without --source/--target-language)


def translating(ctx: Context) -> bool:
    return "translation" in _task_ids(ctx)


def parse_side(fieldname: str) -> Callable[[str, Context], list[str] | None]:
    """A translation side: language codes or names, or ``any`` (left open, as when the flag is not given)."""

    def parse(text: str, ctx: Context) -> list[str] | None:
        if fieldname == "target_languages" and (
            not text.strip() or text.strip().lower() in (ANY, *NONE_WORDS)
        ):
            raise Invalid("name the language to translate into (fr, ja, ...)")
        if text.strip().lower() in (ANY, *NONE_WORDS):
            return None
        codes = [LANGUAGE_NAMES.get(p.lower(), p.lower()) for p in _split(text)]
        _field_check(fieldname, codes)
        _known_codes(codes, ctx, fieldname)
        if fieldname == "target_languages":
            source = ctx.answers.get("source_languages") or []
            if not any(a != b for a in source for b in codes):
                raise Invalid(f"translating {', '.join(source)} into {', '.join(codes)} needs no model")
        return codes

    return parse


# -- labels and preference --------------------------------------------------------------------------------

LABEL_OUTPUTS = ("label", "labels", "tags")  # tasks whose output is a label set (catalog tasks: output)


def wants_labels(ctx: Context) -> bool:
    """Whether a task of the answers predicts labels or entity types (its catalog ``output``)."""
    return any(ctx.catalog.tasks[t].output in LABEL_OUTPUTS for t in _task_ids(ctx) if t in ctx.catalog.tasks)


def parse_labels(text: str, ctx: Context) -> list[str] | None:
    if text.strip().lower() in NONE_WORDS:
        return None
    value: list[str] | None = _field_check("labels", text)
    return value


PREFER_MEANING = {
    "quality": "the best expected quality that fits, whatever it costs",
    "balanced": "the cheaper of two candidates within a small quality margin",
    "cost": "the cheapest that is good enough",
}


def prefer_options(ctx: Context) -> list[Choice]:
    return [Choice(x, PREFER_MEANING[x]) for x in PREFER_MEANING]


def parse_prefer(text: str, ctx: Context) -> str:
    value: str = _field_check("prefer", text.strip().lower())
    return value


# production traffic not known yet: no monthly serving cost (as advise without --daily-tokens)
UNKNOWN = "unknown"


def parse_daily_tokens(text: str, ctx: Context) -> int | None:
    """Production traffic in tokens a day, or ``unknown`` (None, as when --daily-tokens is not given)."""
    t = text.strip().lower()
    if t in (UNKNOWN, "?", "not sure", "don't know", "dont know"):
        return None
    value: int = _number(text, "daily_tokens", whole=True)
    return value


# -- domain -----------------------------------------------------------------------------------------------

GENERAL = "general"


def known_domains(ctx: Context) -> list[str]:
    return sorted({d for m in ctx.catalog.models.values() for d in m.domains})


def parse_domain(text: str, ctx: Context) -> str | None:
    t = text.strip().lower().replace(" ", "-")
    if t in (GENERAL, "none", "no", "any", "-"):
        return None
    known = known_domains(ctx)
    if t in known:
        return t
    close = difflib.get_close_matches(t, known, n=1, cutoff=0.6)
    if close:
        raise Invalid(f"no catalog model specialises in {t!r}", suggestion=close[0])
    raise Invalid(f"no catalog model specialises in {t!r}; choose one of {', '.join(known)}, or general")


# -- where it runs ----------------------------------------------------------------------------------------


def accelerator_ids(ctx: Context) -> str:
    return ", ".join(ctx.catalog.accelerators)


def parse_serve(text: str, ctx: Context) -> str:
    t = text.strip().lower()
    aliases = {"phone": "edge", "laptop": "edge", "mobile": "edge", "device": "edge", "server": "cpu"}
    t = aliases.get(t, t)
    if t in ctx.catalog.serving or t == AUTO:
        return t
    if t in ("gpu", "cloud", "gpus"):
        raise Invalid(f"name the GPU, e.g. {', '.join(list(ctx.catalog.accelerators)[:4])}")
    try:
        return ctx.catalog.accelerator(t).id
    except UnknownName:
        pass
    names = accelerator_names(ctx.catalog) | {s: s for s in ctx.catalog.serving}
    close = near_miss(t, names)
    if close:
        raise Invalid(f"{text.strip()!r} is not a place I know", suggestion=close)
    raise Invalid(
        f"{text.strip()!r} is not a place I know: use cpu, edge or a GPU id ({accelerator_ids(ctx)})"
    )


def _serve_default(ctx: Context) -> str:
    return str(DEFAULTS["gpu"])


# -- licence ----------------------------------------------------------------------------------------------

LICENSES = LICENSE_NEEDS  # whichmodel.vocab, in the order the interview numbers them


def parse_license(text: str, ctx: Context) -> str:
    t = text.strip().lower()
    if t.isdigit() and 1 <= int(t) <= len(LICENSES):
        return LICENSES[int(t) - 1]
    hits = [x for x in LICENSES if t and x.startswith(t)]
    if len(hits) == 1:
        return hits[0]
    synonyms = {"oss": "open", "open-source": "open", "osi": "open", "business": "commercial",
                "product": "commercial", "anything": "any", "whatever": "any"}  # fmt: skip
    if t in synonyms:
        return synonyms[t]
    raise Invalid(f"{text.strip()!r} is not one of any, open or commercial")


# -- training budget --------------------------------------------------------------------------------------


def has_budget(ctx: Context) -> bool:
    return float(ctx.answers.get("gpu_hours") or 0) > 0


def parse_gpu(text: str, ctx: Context) -> str:
    t = text.strip()
    try:
        return ctx.catalog.accelerator(t).id
    except UnknownName:
        pass
    close = near_miss(t, accelerator_names(ctx.catalog))
    if close:
        raise Invalid(f"{t!r} is not an accelerator I know", suggestion=close)
    raise Invalid(f"{t!r} is not an accelerator I know; choose one of {accelerator_ids(ctx)}")


def _gpu_default(ctx: Context) -> str:
    serve = ctx.answers.get("serve")
    if serve and serve in ctx.catalog.accelerators:
        return str(serve)
    return str(DEFAULTS["gpu"])


# -- what a terminal offers: choice lists and Tab completions -------------------------------------------


def task_words(ctx: Context) -> list[Choice]:
    """Every task id and alias, each with what it means (Tab completes them)."""
    out: dict[str, Choice] = {}
    for t in ctx.catalog.tasks.values():
        for name in (t.id, *t.aliases):
            out.setdefault(name.lower(), Choice(name.lower(), t.id if name != t.id else t.description))
    return list(out.values())


def language_words(ctx: Context) -> list[Choice]:
    """Language codes and names (a name completes to its code), plus code and multi."""
    out: dict[str, Choice] = {"en": Choice("en", "english")}
    for name, code in LANGUAGE_NAMES.items():
        out.setdefault(code, Choice(code, name))
    return list(out.values())


def domain_options(ctx: Context) -> list[Choice]:
    return [Choice(GENERAL, "no specialised domain"), *(Choice(d, "") for d in known_domains(ctx))]


def gpu_options(ctx: Context) -> list[Choice]:
    return [Choice(a.id, f"{a.name} · {a.memory_gb:g} GB") for a in ctx.catalog.accelerators.values()]


AUTO = "auto"  # where it runs: this machine, detected when the advice runs (see whichmodel.hardware)


def serve_options(ctx: Context) -> list[Choice]:
    places = [Choice(s.id, s.name) for s in ctx.catalog.serving.values()]
    here = Choice(AUTO, "this machine: its GPU (nvidia-smi), Apple Silicon or CPU, detected")
    return [*places, here, *gpu_options(ctx)]


LICENSE_MEANING = LICENSE_NEED_HELP


def license_options(ctx: Context) -> list[Choice]:
    return [Choice(x, LICENSE_MEANING[x]) for x in LICENSES]


def complete(q: Question, text: str, ctx: Context) -> list[Choice]:
    """What Tab offers for ``text`` (for a list: its last item): prefix matches first, then close spellings."""
    if q.completions is None:
        return []
    head, sep, last = text.rpartition(",") if q.multiple else ("", "", text)
    del head, sep
    word = _norm(last)
    words = q.completions(ctx)
    hits = [c for c in words if c.key.startswith(word) or _norm(c.description).startswith(word)]
    if not hits and word:
        names = {_norm(c.description): c for c in reversed(words) if c.description} | {
            c.key: c for c in words
        }
        close = difflib.get_close_matches(word, list(names), n=4, cutoff=0.6)
        hits = list(dict.fromkeys(names[name] for name in close))
    return hits


BACK = "<"  # typed at a question: go back to the previous one


NO_DEFAULT_DONE = "this question has no default: answer it first, then done takes the defaults for the rest"


def has_default(q: Question, ctx: Context) -> bool:
    """Whether Enter alone answers ``q`` (translate into has no default: a source needs a target)."""
    try:
        answer(q, "", ctx)
    except Invalid:
        return False
    return True


def check(q: Question, text: str, ctx: Context, default: str | None = None) -> str | None:
    """Why ``text`` is not (yet) an answer to ``q``, for a terminal that checks as you type; None when fine.

    ``<`` (back) is always fine; ``done`` unless the question has no default. Empty text stands for ``default`` (what Enter accepts: the
    answer given before, else the question's default) and is fine when that parses: a question with no
    default (translate into) says what it needs instead of taking an empty answer. A near miss names the fix."""
    t = text.strip()
    if t == BACK:
        return None
    if is_done(t):
        return None if has_default(q, ctx) or q.id in ctx.answers else errors_sentence(NO_DEFAULT_DONE)
    if not t:
        t = (default if default is not None else q.default(ctx)).strip()
    try:
        answer(q, t, ctx)
    except Invalid as exc:
        if exc.suggestion is not None:
            return f"{errors_sentence(exc.message)} Did you mean {exc.label}? (Tab completes)"
        return errors_sentence(exc.message)
    return None


def errors_sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else text


def plan(ctx: Context) -> tuple[int, int]:
    """How many questions the answers so far (defaults for the rest) lead to, and the most there can be."""
    trial = Context(ctx.catalog, dict(ctx.answers))
    asked = 0
    for q in QUESTIONS:
        if not q.applies(trial):
            continue
        asked += 1
        if q.id not in trial.answers:
            with contextlib.suppress(Invalid):  # a question with no default (translate into) is asked
                trial.answers[q.id] = answer(q, "", trial)
    return asked, len(QUESTIONS)


# -- the questions ----------------------------------------------------------------------------------------
# To add a question (for a new scope field, e.g. labels or prefer): append a Question whose ``id`` is the
# scope field; ``parse`` turns the typed text into the field's value; ``kind``/``options``/``completions``
# say how a terminal offers it. The line prompt, the terminal prompt, the review and --save follow the list.

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="tasks",
        label="task",
        text="What should the model do?",
        why="The task decides the architecture: encoders read and label text, decoders write it, "
        "encoder-decoders turn one text into another.",
        hint="A number from the list, a task id or an alias (ner, qa, sentiment, chatbot, ...); "
        "several separated by commas.",
        default=_task_default,
        parse=parse_tasks,
        choices=task_choices,
        tty_hint="A task id or an alias (ner, qa, sentiment, chatbot, ...); several separated by commas.",
        completions=task_words,
        multiple=True,
    ),
    Question(
        id="languages",
        label="languages",
        text="Which languages must it handle?",
        why="A model only handles the languages it was trained on, and many are English-only.",
        hint="ISO codes separated by commas (en, fr, de, zh, ...), 'code' for programming languages, "
        "or 'multi' for many.",
        default=_languages_default,
        parse=parse_languages,
        completions=language_words,
        multiple=True,
        applies=lambda ctx: not translating(ctx),
        skipped_because="translation asks for the source and target languages instead",
    ),
    Question(
        id="source_languages",
        label="translate from",
        text="Which language will you translate from?",
        why="A translation model covers some directions only; many translate only into or out of English.",
        hint="A language code or name (en, de, japanese, ...), several separated by commas; any to leave "
        "the directions open.",
        default=lambda ctx: ANY,
        blank=ANY,
        parse=parse_side("source_languages"),
        applies=translating,
        skipped_because="not a translation",
        completions=language_words,
        multiple=True,
    ),
    Question(
        id="target_languages",
        label="translate into",
        text="Which language will you translate into?",
        why="A checkpoint lacking a direction you need is not offered.",
        hint="A language code or name (fr, ja, ...), several separated by commas.",
        default=lambda ctx: "",  # no default: a source needs a target
        blank=ANY,
        parse=parse_side("target_languages"),
        applies=lambda ctx: translating(ctx) and bool(ctx.answers.get("source_languages")),
        skipped_because="no source language (the directions are left open)",
        completions=language_words,
        multiple=True,
    ),
    Question(
        id="labels",
        label="labels",
        text="Which classes or entity types should it predict?",
        why="A ready checkpoint is used as it is only when its labels cover yours; otherwise a zero-shot "
        "model or fine-tuning.",
        hint="Names separated by commas (positive, negative; or PER, ORG, drug); none if you have not decided.",
        default=lambda ctx: "none",
        blank="none",
        parse=parse_labels,
        applies=wants_labels,
        skipped_because="the task predicts no label set",
        multiple=True,
    ),
    Question(
        id="domain",
        label="domain",
        text="Is the text from a specialised domain?",
        why="A model pre-trained on your domain's text starts ahead of a general one.",
        hint=lambda ctx: f"One of {', '.join(known_domains(ctx))}, or general.",
        default=lambda ctx: GENERAL,
        parse=parse_domain,
        applies=lambda ctx: bool(known_domains(ctx)),
        skipped_because="no catalog model specialises in a domain",
        kind="select",
        options=domain_options,
    ),
    Question(
        id="examples",
        label="labelled examples",
        text="How many labelled examples do you have (inputs with the right output)?",
        why="Thousands of labelled examples make fine-tuning pay off; with none, use a ready "
        "checkpoint or prompt a model.",
        hint="A count: 500, 5k, 1.5M; 0 if you have none.",
        default=lambda ctx: str(DEFAULTS["examples"]),
        parse=lambda text, ctx: _number(text, "examples", whole=True),
    ),
    Question(
        id="domain_tokens",
        label="in-domain tokens",
        text="How much unlabelled text from your domain do you have, in tokens?",
        why="Billions of tokens of in-domain text can make continued pre-training worth its cost.",
        # a token ~ 3/4 of an English word: OpenAI help article 4936856 ("100 tokens ~= 75 words")
        hint="Tokens (a token is roughly three quarters of an English word): 50M, 2B; 0 if none.",
        default=lambda ctx: str(DEFAULTS["domain_tokens"]),
        parse=lambda text, ctx: _number(text, "domain_tokens", whole=True),
    ),
    Question(
        id="input_tokens",
        label="longest input",
        text="How long is the longest input the model must read, in tokens?",
        why="An input longer than a model's context window must be cut or split into chunks.",
        hint="Tokens: 512, 4k, 32k, 128k (512 tokens is roughly 380 English words).",
        default=lambda ctx: str(DEFAULTS["input_tokens"]),
        parse=lambda text, ctx: _number(text, "input_tokens", whole=True, positive=True),
    ),
    Question(
        id="serve",
        label="runs on",
        text="Where will it run?",
        why="Where it runs bounds the model's size: a CPU server or a phone holds far less than a "
        "data-centre GPU.",
        hint=lambda ctx: (
            f"cpu, edge (a phone or small laptop), auto (this machine), or a GPU: {accelerator_ids(ctx)}."
        ),
        default=_serve_default,
        parse=parse_serve,
        kind="select",
        options=serve_options,
    ),
    Question(
        id="license",
        label="licence",
        text="What must the licence allow?",
        why="Some open-weight models forbid commercial use, cap the number of users or restrict uses.",
        hint="any (every licence; its terms are shown) · open (OSI-approved) · "
        "commercial (commercial use with no user cap or use restriction).",
        default=lambda ctx: str(DEFAULTS["license"]),
        parse=parse_license,
        kind="select",
        options=license_options,
    ),
    Question(
        id="prefer",
        label="preference",
        text="How should cost weigh against quality?",
        why="Among models that fit, a cheaper one may be nearly as good: say which matters more.",
        hint="quality · balanced (the cheaper of two close candidates) · cost.",
        default=lambda ctx: str(DEFAULTS["prefer"]),
        parse=parse_prefer,
        kind="select",
        options=prefer_options,
    ),
    Question(
        id="daily_tokens",
        label="daily tokens",
        text="How many tokens a day will it process in production?",
        why="Traffic turns a serving rate into a monthly cost, which the ranking then weighs.",
        hint="Tokens a day, input and output together: 500k, 20M; unknown if you cannot say yet (then no "
        "monthly cost is shown).",
        default=lambda ctx: UNKNOWN,
        blank=UNKNOWN,
        parse=parse_daily_tokens,
    ),
    Question(
        id="gpu_hours",
        label="training budget (GPU-hours)",
        text="How many GPU-hours can you spend on training?",
        why="The budget decides how to adapt the model: use it as it is, LoRA, full fine-tuning or, "
        "rarely, training from scratch.",
        hint="GPU-hours: 10, 500, 20k; 0 if you will not train (use or prompt a model as it is).",
        default=lambda ctx: f"{DEFAULTS['gpu_hours']:g}",
        parse=lambda text, ctx: _number(text, "gpu_hours", whole=False),
    ),
    Question(
        id="gpu",
        label="training GPU",
        text="Which GPU will you train on?",
        why="The training GPU's memory and speed decide which models fit and how long training takes.",
        hint=lambda ctx: f"One of {accelerator_ids(ctx)} (aliases such as A100 or H100 work).",
        default=_gpu_default,
        parse=parse_gpu,
        applies=has_budget,
        skipped_because="no training budget",
        kind="select",
        options=gpu_options,
    ),
    Question(
        id="gpus",
        label="GPUs",
        text="How many of them?",
        why="Several GPUs together hold a bigger model and finish sooner.",
        hint="A whole number, at least 1.",
        default=lambda ctx: str(DEFAULTS["gpus"]),
        parse=lambda text, ctx: _number(text, "gpus", whole=True, positive=True),
        applies=has_budget,
        skipped_because="no training budget",
    ),
)


def answer(question: Question, text: str, ctx: Context) -> Any:
    """The value for ``question`` given the typed ``text`` (empty: its default). Raises :class:`Invalid`."""
    if not text.strip():
        text = question.default(ctx)
    return question.parse(text, ctx)


def applicable(ctx: Context, questions: Sequence[Question] = QUESTIONS) -> list[Question]:
    return [q for q in questions if q.applies(ctx)]


def show_value(value: Any, q: Question | None = None) -> str:
    """An answer as the summary shows it."""
    if value is None:
        return q.blank if q is not None else GENERAL
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def as_text(value: Any, q: Question | None = None) -> str:
    """An answer as text its question parses back to the same value (for a default when going back)."""
    if value is None:
        return q.blank if q is not None else GENERAL
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def scope_document(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as a scope file's mapping, in question order (fields left unanswered are omitted)."""
    order = [q.id for q in QUESTIONS]
    doc = {k: answers[k] for k in order if k in answers and answers[k] is not None}
    ScopeInput.model_validate(doc)  # every answer passed its question's check; this guards the file
    return doc


def dump_scope(answers: dict[str, Any]) -> str:
    """The scope file's text (YAML) for the answers, with a comment on how to replay it."""
    import yaml

    body = yaml.safe_dump(
        scope_document(answers), sort_keys=False, default_flow_style=None, allow_unicode=True
    )
    return (
        "# A whichmodel scope, written by `whichmodel interview`.\n"
        "# Replay it with: whichmodel advise --scope THIS_FILE  (flags given there override these fields)\n"
        + body
    )
