"""The transformer family of a Hub model, inferred from its config (``architectures``, ``model_type``). Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Model classes (transformers naming) whose prefix names an encoder-decoder (seq2seq) model.
ENCODER_DECODER_PREFIXES = (
    "T5",
    "MT5",
    "UMT5",
    "LongT5",
    "SwitchTransformers",
    "Bart",
    "MBart",
    "PLBart",
    "Marian",
    "LED",
    "Pegasus",
    "PegasusX",
    "BigBirdPegasus",
    "M2M100",
    "NllbMoe",
    "Blenderbot",
    "BlenderbotSmall",
    "FSMT",
    "ProphetNet",
    "XLMProphetNet",
    "Mvp",
)
# Bidirectional (masked-LM and replaced-token-detection) encoders.
ENCODER_PREFIXES = (
    "Bert",
    "Roberta",
    "RobertaPreLayerNorm",
    "XLMRoberta",
    "XLMRobertaXL",
    "DistilBert",
    "Deberta",
    "DebertaV2",
    "Electra",
    "ModernBert",
    "MPNet",
    "Albert",
    "Camembert",
    "Flaubert",
    "BigBird",
    "Longformer",
    "MobileBert",
    "SqueezeBert",
    "ConvBert",
    "RemBert",
    "Ernie",
    "ErnieM",
    "MegatronBert",
    "NomicBert",
    "NeoBERT",
    "JinaBert",
    "Luke",
    "Data2VecText",
    "Nystromformer",
    "XLMRobertaLoRA",
    "EuroBert",
)
ENCODER_DECODER_TYPES = {
    "t5", "mt5", "umt5", "longt5", "switch_transformers", "bart", "mbart", "plbart", "marian", "led", "pegasus",
    "pegasus_x", "bigbird_pegasus", "m2m_100", "nllb-moe", "blenderbot", "blenderbot-small", "fsmt",
    "prophetnet", "xlm-prophetnet", "mvp",
}  # fmt: skip
ENCODER_TYPES = {
    "bert", "roberta", "roberta-prelayernorm", "xlm-roberta", "xlm-roberta-xl", "distilbert", "deberta",
    "deberta-v2", "electra", "modernbert", "mpnet", "albert", "camembert", "flaubert", "big_bird", "longformer",
    "mobilebert", "squeezebert", "convbert", "rembert", "ernie", "megatron-bert", "nomic_bert", "luke",
}  # fmt: skip

_HEAD = re.compile(r"^(For[A-Z][A-Za-z0-9]*|Model)$")
_SEQ2SEQ_HEAD = re.compile(r"^(ForConditionalGeneration|MTModel|Model|For[A-Z][A-Za-z0-9]*)$")
_CAUSAL = re.compile(r"(ForCausalLM|LMHeadModel)$")


def _split(arch: str, prefixes: Iterable[str]) -> str | None:
    """The remainder of ``arch`` after the longest matching prefix, or None."""
    for p in sorted(prefixes, key=len, reverse=True):
        if arch.startswith(p):
            return arch[len(p) :]
    return None


def family_of_architecture(arch: str) -> str | None:
    """``T5ForConditionalGeneration`` -> encoder-decoder, ``LlamaForCausalLM`` -> decoder-only,
    ``BertForMaskedLM`` / ``XLMRobertaModel`` -> encoder-only; anything else -> None."""
    arch = arch.strip()
    rest = _split(arch, ENCODER_DECODER_PREFIXES)
    if rest is not None:
        if rest == "EncoderModel":  # T5EncoderModel: the encoder stack alone
            return "encoder-only"
        if _SEQ2SEQ_HEAD.match(rest):
            return "encoder-decoder"
    if _CAUSAL.search(arch):
        return "decoder-only"
    rest = _split(arch, ENCODER_PREFIXES)
    if rest is not None and _HEAD.match(rest):
        return "encoder-only"
    return None


def infer_family(architectures: Iterable[str] | None, model_type: str | None = None) -> str | None:
    """The family from a config's ``architectures`` (first one that is recognised), else its ``model_type``."""
    for arch in architectures or ():
        if isinstance(arch, str):
            fam = family_of_architecture(arch)
            if fam:
                return fam
    if isinstance(model_type, str):
        mt = model_type.strip().lower()
        if mt in ENCODER_DECODER_TYPES:
            return "encoder-decoder"
        if mt in ENCODER_TYPES:
            return "encoder-only"
    return None
