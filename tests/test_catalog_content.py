"""The bundled catalog's content: every entry valid and consistent, the breadth the advisor relies on, and the
generated reference files (docs/catalog.schema.json, the counts in docs/catalog.md) current."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from contract import CONTRACT_ACCELERATORS, CONTRACT_TASKS
from whichmodel.catalog import bundled_dir, load_catalog
from whichmodel.catalog_schema import FAMILIES, CatalogFile

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILES = sorted((bundled_dir() / "models").glob("*.yaml"))


# Hugging Face NLP tasks whose task pages recommend ready checkpoints: each must have at least one `variant: task`
# model in the catalog. (chat, code-generation and text-generation are covered by instruct models instead.)
READY_TASKS = (
    "text-classification", "token-classification", "question-answering", "table-question-answering",
    "zero-shot-classification", "translation", "summarization", "feature-extraction", "sentence-similarity",
    "text-ranking",
)  # fmt: skip

# Models the Hugging Face task pages recommend (huggingface/huggingface.js@fe42e68,
# packages/tasks/src/tasks/<tag>/data.ts), which the catalog must hold.
HF_RECOMMENDED = (
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english", "ProsusAI/finbert",
    "cardiffnlp/twitter-roberta-base-sentiment-latest", "papluca/xlm-roberta-base-language-detection",
    "meta-llama/Prompt-Guard-86M", "dslim/bert-base-NER", "FacebookAI/xlm-roberta-large-finetuned-conll03-english",
    "blaze999/Medical-NER", "microsoft/tapex-base", "google/tapas-base-finetuned-wtq", "deepset/roberta-base-squad2",
    "distilbert/distilbert-base-cased-distilled-squad", "facebook/bart-large-mnli",
    "MoritzLaurer/ModernBERT-large-zeroshot-v2.0", "knowledgator/gliclass-modern-base-v2.0-init",
    "facebook/nllb-200-1.3B", "google-t5/t5-base", "facebook/bart-large-cnn", "Falconsai/medical_summarization",
    "thenlper/gte-large", "Alibaba-NLP/gte-Qwen1.5-7B-instruct", "google/gemma-2-2b-it",
    "Qwen/Qwen3-Coder-480B-A35B-Instruct", "openai/gpt-oss-120b", "zai-org/GLM-4.5", "Qwen/Qwen3-4B-Thinking-2507",
    "Qwen/Qwen2.5-7B-Instruct-1M", "Qwen/Qwen2.5-Coder-32B-Instruct", "deepseek-ai/DeepSeek-R1",
    "answerdotai/ModernBERT-large", "FacebookAI/xlm-roberta-base", "sentence-transformers/all-mpnet-base-v2",
    "BAAI/bge-m3", "cross-encoder/ms-marco-MiniLM-L6-v2", "Alibaba-NLP/gte-multilingual-reranker-base",
    "Alibaba-NLP/gte-reranker-modernbert-base",
)  # fmt: skip

# Entries the research notes held without a parameter count, re-added with a sourced one.
READDED = (
    "electra-base-discriminator", "all-mpnet-base-v2", "paraphrase-multilingual-minilm-l12-v2", "ms-marco-minilm-l6-v2",
    "flan-t5-base", "flan-t5-large", "mbart-large-50-many-to-many-mmt", "pegasus-large", "opus-mt-en-de",
    "opus-mt-en-fr", "led-base-16384",
)  # fmt: skip


HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


@pytest.fixture(scope="module")
def cat():
    return load_catalog(use_env=False)


@pytest.fixture(scope="module")
def models(cat):
    return list(cat.models.values())


@pytest.fixture(scope="module")
def raw_entries():
    """Every model entry of every bundled model file, as written, with the file it is in."""
    out = []
    for path in MODEL_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.extend((path.name, entry) for entry in data["models"])
    return out


def is_multilingual(model) -> bool:
    natural = [code for code in model.languages if code != "code"]
    return "multi" in natural or len(natural) > 1


# --- validity and consistency -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda p: p.name)
def test_every_model_file_validates_on_its_own(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    parsed = CatalogFile.model_validate(data)
    assert parsed.models, f"{path.name} holds no models"


def test_no_duplicate_ids_or_hub_ids_across_bundled_files(raw_entries):
    ids = Counter(entry["id"].lower() for _, entry in raw_entries)
    hubs = Counter(entry["hub_id"].lower() for _, entry in raw_entries)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [h for h, n in hubs.items() if n > 1] == []
    # so nothing in the bundle silently replaces another bundled entry
    assert len(load_catalog(use_env=False).models) == len(raw_entries)


def test_every_hub_id_has_the_org_name_form(models):
    bad = [m.hub_id for m in models if not HUB_ID.match(m.hub_id) or m.hub_id.count("/") != 1]
    assert bad == []


def test_every_reference_resolves(cat, models):
    objectives = {f: {o.id for o in a.objectives} for f, a in cat.architectures.items()}
    hubs = {m.hub_id.lower() for m in models} | set(cat.models)
    for m in models:
        assert set(m.tasks) <= set(cat.tasks), (m.id, set(m.tasks) - set(cat.tasks))
        assert m.license in cat.licenses, (m.id, m.license)
        assert m.objective in objectives[m.family], (m.id, m.family, m.objective)
        assert len(set(m.tasks)) == len(m.tasks), (m.id, "a task listed twice")
        if m.base_model is not None:
            # a hub id (org/name) or a catalog id
            assert HUB_ID.match(m.base_model) or m.base_model.lower() in hubs, (m.id, m.base_model)


def test_licence_classes_are_consistent_with_what_each_licence_allows(cat):
    for lic in cat.licenses.values():
        cls = lic.license_class
        if cls in ("permissive", "copyleft"):
            assert lic.commercial_use and not lic.use_restrictions and lic.user_cap is None, lic.id
        if cls == "restricted":
            assert lic.commercial_use and (lic.use_restrictions or lic.user_cap), lic.id
        if cls in ("non-commercial", "unknown"):
            assert not lic.commercial_use, lic.id
        if lic.osi_approved:
            assert cls in ("permissive", "copyleft"), lic.id
    expected = {
        "apache-2.0": "permissive", "mit": "permissive", "bsd-3-clause": "permissive", "cc-by-4.0": "permissive",
        "cc-by-sa-4.0": "copyleft", "cc-by-nc-4.0": "non-commercial", "qwen-research": "non-commercial",
        "mnpl-0.1": "non-commercial", "gemma": "restricted", "bigscience-bloom-rail-1.0": "restricted",
        "bigcode-openrail-m": "restricted", "deepseek": "restricted", "unknown": "unknown",
    }  # fmt: skip
    for lid, cls in expected.items():
        assert cat.licenses[lid].license_class == cls, lid
    for lid in ("llama2", "llama3", "llama3.1", "llama3.2", "llama3.3"):
        assert cat.licenses[lid].license_class == "restricted"
        assert cat.licenses[lid].user_cap == 700_000_000, lid
    assert cat.licenses["qwen"].user_cap == 100_000_000


def test_known_licences_of_specific_models(cat):
    # checked on the model cards (see docs/catalog.md)
    assert cat.model("all-mpnet-base-v2").license == "apache-2.0"
    assert cat.model("ms-marco-minilm-l6-v2").license == "apache-2.0"
    for nllb in ("nllb-200-distilled-600m", "nllb-200-1.3b", "nllb-200-3.3b"):
        assert cat.licenses[cat.model(nllb).license].license_class == "non-commercial"
    for m in cat.models.values():
        if m.hub_id.startswith("meta-llama/"):
            assert cat.licenses[m.license].user_cap == 700_000_000, m.id


def test_every_model_has_a_source_and_task_checkpoints_say_what_they_are_ready_for(models):
    for m in models:
        assert m.sources and all(s.strip() for s in m.sources), m.id
        if m.variant == "task":
            assert m.ready_for and len(m.ready_for) > 15, m.id
        else:
            assert m.ready_for is None, (m.id, "ready_for belongs to task checkpoints")


def test_numbers_are_coherent(models):
    for m in models:
        if m.active_params_b is not None:
            assert m.active_params_b < m.params_b, m.id
        if m.context_tokens_extended is not None:
            assert m.context_tokens is not None and m.context_tokens_extended > m.context_tokens, m.id
        if m.heads and m.kv_heads:
            assert m.kv_heads <= m.heads and m.heads % m.kv_heads == 0, m.id
        if "multi" in m.languages:
            assert m.language_count and m.language_count > 1, m.id
        else:
            assert m.language_count is None, m.id
        for q in m.quality:
            assert 0 < q.score <= 100, (m.id, q.benchmark)
            assert q.source.strip(), (m.id, q.benchmark)
        assert 0.001 <= m.params_b <= 2000, m.id


# --- breadth ------------------------------------------------------------------------------------------------


def test_breadth_per_family(models):
    assert len(models) >= 120
    fam = Counter(m.family for m in models)
    for f in FAMILIES:
        assert fam[f] >= 30, (f, fam[f])
        ms = [m for m in models if m.family == f]
        assert any(max(m.context_tokens or 0, m.context_tokens_extended or 0) >= 8192 for m in ms), f
        assert any(m.params_b < 1 for m in ms), f"no edge-sized (<1B) {f} model"
    sizes = [m.params_b for m in models]
    assert min(sizes) < 0.05 and max(sizes) >= 100, "sizes from tens of millions to hundreds of billions"


def test_coverage_multilingual_moe_code_domains(models):
    assert sum(is_multilingual(m) for m in models) >= 20
    moe = [m for m in models if m.active_params_b is not None]
    assert len(moe) >= 5
    assert {"mixtral-8x7b-instruct", "qwen3-30b-a3b", "deepseek-v3"} <= {m.id for m in moe}
    assert sum("code" in m.languages for m in models) >= 5
    domains = Counter(d for m in models for d in m.domains)
    for d in ("biomedical", "legal", "finance", "scientific", "code"):
        assert domains[d] >= 1, d
    for ctx_model in ("modernbert-base", "led-base-16384", "long-t5-tglobal-base", "llama-3.1-8b-instruct"):
        assert {m.id for m in models} >= {ctx_model}


def test_every_contract_task_has_several_models(models):
    per_task = Counter(t for m in models for t in m.tasks)
    for task in CONTRACT_TASKS:
        assert per_task[task] >= 3, (task, per_task[task])


def test_ready_checkpoints_for_each_hf_nlp_task(models):
    ready = Counter(t for m in models if m.variant == "task" for t in m.tasks)
    for task in READY_TASKS:
        assert ready[task] >= 1, task
    instruct = Counter(t for m in models if m.variant == "instruct" for t in m.tasks)
    assert instruct["chat"] >= 10 and instruct["code-generation"] >= 3


def test_hf_task_page_recommendations_are_in_the_catalog(models):
    hubs = {m.hub_id.lower() for m in models}
    assert [h for h in HF_RECOMMENDED if h.lower() not in hubs] == []


def test_readded_entries_have_a_sourced_parameter_count(cat):
    for mid in READDED:
        m = cat.model(mid)
        assert m.params_b > 0 and m.sources, mid


# --- accelerators and serving ---------------------------------------------------------------------------------


def test_accelerators_have_the_contract_ids_and_sourced_prices(cat):
    assert set(CONTRACT_ACCELERATORS) <= set(cat.accelerators)
    priced = 0
    for acc in cat.accelerators.values():
        assert acc.memory_gb > 0 and acc.sources, acc.id
        if acc.usd_per_hour is not None:
            priced += 1
            assert acc.price_source, acc.id
            assert acc.price_date or (acc.notes and "undated" in acc.notes), acc.id
    assert priced >= 12
    assert cat.accelerator("rtx-a6000").bf16_tflops and cat.accelerator("rtx-a6000").bandwidth_gbps
    assert {"cpu", "edge"} <= set(cat.serving)


# --- generated reference files ---------------------------------------------------------------------------------


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_catalog_schema", ROOT / "scripts" / "gen_catalog_schema.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_json_schema_is_current():
    gen = _generator()
    committed = (ROOT / "docs" / "catalog.schema.json").read_text(encoding="utf-8")
    assert committed == gen.schema_text(), "run: python scripts/gen_catalog_schema.py"


def test_catalog_doc_counts_and_field_table_are_current(models):
    gen = _generator()
    doc = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    assert doc == gen.render_doc(doc), "run: python scripts/gen_catalog_schema.py"
    assert f"**{len(models)} models**" in doc


def test_generator_check_mode_passes():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_catalog_schema.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


def test_documented_user_catalog_example_validates(tmp_path, run):
    doc = (ROOT / "docs" / "catalog.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(models:\n.*?)```", doc, re.S).group(1)
    path = tmp_path / "my.yaml"
    path.write_text(example, encoding="utf-8")
    code, _out, err = run("catalog", "validate", str(path))
    assert code == 0, err
    code, out, _err = run("catalog", "show", "acme-support-bert", "--json", "--catalog", str(path))
    assert code == 0 and '"acme/support-ticket-bert"' in out
    # the example's second entry replaces the bundled one by id
    code, out, _err = run("catalog", "show", "bert-base-uncased", "--json", "--catalog", str(path))
    assert code == 0 and "only use it for classification" in out
