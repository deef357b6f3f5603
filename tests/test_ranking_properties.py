"""Ranking properties over many scopes (issue 12): constraints are never broken by a recommendation.

- a translator is never offered for a direction it lacks;
- a fixed-label checkpoint is never offered as-is for labels it does not predict;
- no model is offered for a language its tokenizer cannot encode.
"""

from __future__ import annotations

import functools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import whichmodel
from whichmodel.catalog import Catalog, load_catalog

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def catalog() -> Catalog:
    return load_catalog(use_env=False)


def _covers(directions: list[str], src: str, tgt: str) -> bool:
    return any(d == "*-*" or d == f"{src}-{tgt}" or d == f"{src}-*" or d == f"*-{tgt}" for d in directions)


@SETTINGS
@given(
    src=st.sampled_from(["en", "de", "fr", "es", "zh", "ja", "ar", "hi", "sw", "ru", "bn"]),
    tgt=st.sampled_from(["en", "de", "fr", "es", "zh", "ja", "ar", "hi", "sw", "ru", "bn"]),
    serve=st.sampled_from(["a100-80gb", "t4", "cpu", "rtx-4090"]),
)
def test_a_translator_is_never_offered_for_a_direction_it_lacks(src, tgt, serve):
    if src == tgt:
        return
    advice = whichmodel.advise(
        task="translation", source_languages=[src], target_languages=[tgt], serve=serve, top=10
    )
    for r in advice.recommendations:
        m = catalog().models.get(r.model)
        if m is not None and m.directions:
            assert _covers(m.directions, src, tgt), (r.model, m.directions, src, tgt)


@SETTINGS
@given(
    task=st.sampled_from(["ner", "text-classification", "token-classification", "classification"]),
    labels=st.lists(
        st.sampled_from(
            ["PER", "ORG", "LOC", "MISC", "drug", "dosage", "positive", "negative", "spam", "billing"]
        ),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    examples=st.sampled_from([0, 100, 5000]),
)
def test_a_fixed_label_checkpoint_is_never_as_is_for_labels_it_does_not_predict(task, labels, examples):
    advice = whichmodel.advise(task=task, labels=labels, examples=examples, top=10)
    wanted = {x.lower() for x in labels}
    for r in advice.recommendations:
        m = catalog().models.get(r.model)
        if m is None or r.strategy != "as-is" or m.open_labels or not m.labels:
            continue
        assert wanted <= {x.lower() for x in m.labels}, (r.model, m.labels, labels)


@SETTINGS
@given(
    task=st.sampled_from(["summarization", "translation", "text-classification", "chat", "qa"]),
    lang=st.sampled_from(["bn", "hi", "ja", "zh", "ru", "ar", "ko", "th", "el", "he"]),
)
def test_no_model_is_offered_for_a_language_its_tokenizer_cannot_encode(task, lang):
    script = catalog().languages[lang].script
    advice = whichmodel.advise(task=task, language=[lang, "en"], top=10)
    for r in advice.recommendations:
        m = catalog().models.get(r.model)
        if m is not None and m.tokenizer_scripts is not None:
            assert script in m.tokenizer_scripts, (r.model, m.tokenizer_scripts, lang)
