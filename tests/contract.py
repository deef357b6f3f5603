"""The interface contract's vocabularies (../shared/design.md, "Vocabularies"), shared by the tests."""

from __future__ import annotations

# Every Hugging Face NLP pipeline tag the contract names, plus our own ids.
CONTRACT_TASKS = (
    "text-classification", "token-classification", "question-answering", "table-question-answering",
    "zero-shot-classification", "translation", "summarization", "feature-extraction", "sentence-similarity",
    "text-ranking", "text-generation", "fill-mask", "text2text-generation", "chat", "code-generation",
)  # fmt: skip

CONTRACT_ACCELERATORS = (
    "t4", "v100-16gb", "v100-32gb", "a10g", "l4", "l40s", "rtx-a6000", "rtx-3090", "rtx-4090", "a100-40gb",
    "a100-80gb", "h100-80gb", "h100-pcie", "h200", "b200", "mi300x",
)  # fmt: skip
