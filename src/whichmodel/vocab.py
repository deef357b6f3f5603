"""The vocabularies: each closed set of words whichmodel reads or writes, defined once, as a ``Literal`` type
and the tuple of its values in their display order (``get_args`` of the type, so the two cannot drift).

Pure and a leaf (stdlib ``typing`` only): the catalog schema, the scope, the estimator, the documents, the
CLI options and completion, and the doc generators all import from here. The descriptions shown beside a
value (help, completion, the interview) stay with the code that shows them.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Family = Literal["encoder-only", "decoder-only", "encoder-decoder"]
"""Transformer architecture families (design.md "Architectures"; catalog/architectures.yaml holds one each)."""
FAMILIES: Final[tuple[Family, ...]] = get_args(Family)
FAMILY_SHORT: Final[dict[str, str]] = {
    "encoder-only": "enc",
    "decoder-only": "dec",
    "encoder-decoder": "enc-dec",
}
"""The short form narrow tables show (`advise`, `catalog list`)."""

Strategy = Literal[
    "inference", "as-is", "full-finetune", "lora", "qlora", "continued-pretraining", "pretrain"
]
"""How a model is used or trained (design.md "Strategies"); ``inference`` is `estimate`'s serving-only job."""
STRATEGIES: Final[tuple[Strategy, ...]] = get_args(Strategy)

LicenseNeed = Literal["any", "open", "commercial"]
"""What the user's licence allows (``--license``; the ``license`` rule)."""
LICENSE_NEEDS: Final[tuple[LicenseNeed, ...]] = get_args(LicenseNeed)
LICENSE_NEED_HELP: Final[dict[str, str]] = {
    "any": "every licence (its terms are shown)",
    "open": "OSI-approved licences only",
    "commercial": "commercial use, no user cap or use restriction",
}
"""What each licence need admits, as the interview and shell completion describe it."""

Prefer = Literal["quality", "balanced", "cost"]
"""The ranking's preference (``--prefer``; a row of ``preference_weights`` in catalog/weights.yaml each)."""
PREFER: Final[tuple[Prefer, ...]] = get_args(Prefer)

Component = Literal["quality", "fit", "cost"]
"""The score's components (design.md "Ranking"); each preference rule feeds one."""
COMPONENTS: Final[tuple[Component, ...]] = get_args(Component)

Dtype = Literal["fp32", "bf16", "fp16", "int8", "int4"]
"""Weight storage types (``--dtype``; bytes per parameter in ``estimator.DTYPE_BYTES``)."""
DTYPES: Final[tuple[Dtype, ...]] = get_args(Dtype)

OutputFormat = Literal["table", "json", "markdown", "html"]
"""``--format`` of the advice (`advise`, `interview`): one renderer each in ``cli/formats.py``."""
OUTPUT_FORMATS: Final[tuple[OutputFormat, ...]] = get_args(OutputFormat)

STALE_DAYS: Final = 30.0
"""A Hub snapshot (or record) older than this many days is stale: the advice and `hub info` say so (an
assumption, documented in docs/howto-hub.md)."""

DEFAULT_GPU: Final = "a100-80gb"
"""The training accelerator assumed when none is given, by `advise` (``scope.DEFAULTS``, with its ``WHY``)
and by `estimate`; both list it in ``assumed`` (an assumption)."""

__all__ = [
    "COMPONENTS",
    "DEFAULT_GPU",
    "DTYPES",
    "FAMILIES",
    "FAMILY_SHORT",
    "LICENSE_NEEDS",
    "LICENSE_NEED_HELP",
    "OUTPUT_FORMATS",
    "PREFER",
    "STALE_DAYS",
    "STRATEGIES",
    "Component",
    "Dtype",
    "Family",
    "LicenseNeed",
    "OutputFormat",
    "Prefer",
    "Strategy",
]
