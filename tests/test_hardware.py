"""`--gpu auto` and `--serve auto`: a stand-in `nvidia-smi` on PATH answers as the real tool does.

The outputs below follow nvidia-smi's documented formats: `--query-gpu=name,memory.total
--format=csv,noheader,nounits` prints one `name, MiB` line per GPU, and `-L` prints
`GPU 0: NAME (UUID: GPU-...)` per GPU (NVIDIA System Management Interface documentation, nvidia-smi.txt).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from whichmodel import hardware

RTX_4090_CSV = "NVIDIA GeForce RTX 4090, 24564\n"
RTX_4090_L = "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-5b9d2c1e-0f3a-4b8e-9a1d-2c3e4f5a6b7c)\n"
FOUR_A100_CSV = "".join("NVIDIA A100-SXM4-80GB, 81920\n" for _ in range(4))
UNKNOWN_CSV = "NVIDIA GeForce GTX 1080 Ti, 11264\n"  # Pascal, 11 GB: not in the catalog


def stand_in(folder: Path, csv: str | None = None, listing: str = "", body: str | None = None) -> Path:
    """An executable `nvidia-smi` in ``folder`` answering the query and -L as given (or running ``body``)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "nvidia-smi"
    if body is None:
        body = (
            'case "$*" in\n'
            f"  *--query-gpu*) printf '%s' '{csv or ''}';;\n"
            f"  -L) printf '%s' '{listing}';;\n"
            "  *) exit 9;;\n"
            "esac\n"
        )
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return folder


@pytest.fixture(scope="module")
def cat():
    from whichmodel.catalog import load_catalog

    return load_catalog([], use_env=False)


def only(folder: Path) -> str:
    """A PATH with the stand-in first and the system's tools (sh, sleep) after it."""
    return f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin"


def assumed(doc: dict, field: str) -> dict:
    return next(a for a in doc["scope"]["assumed"] if a["field"] == field)


# -- parsing -----------------------------------------------------------------------------------------


def test_parse_the_query_output():
    gpus = hardware.parse_nvidia_csv(RTX_4090_CSV + "Tesla T4, [N/A]\n")
    assert gpus == [hardware.Gpu("NVIDIA GeForce RTX 4090", 24.0), hardware.Gpu("Tesla T4", None)]
    with pytest.raises(ValueError):
        hardware.parse_nvidia_csv("garbage without a comma\n")


def test_parse_the_list_output():
    text = RTX_4090_L + "  MIG 1g.10gb Device 0: (UUID: MIG-abc)\nGPU 1: Tesla T4 (UUID: GPU-x)\n"
    assert hardware.parse_nvidia_list(text) == ["NVIDIA GeForce RTX 4090", "Tesla T4"]


def test_parse_sysctl_on_apple_silicon():
    memory, brand = hardware.parse_sysctl("34359738368\nApple M2 Pro\n")
    assert memory == 32.0 and brand == "Apple M2 Pro"


def test_apple_silicon_is_found_through_sysctl():
    def runner(argv, timeout):
        if argv[0] == "sysctl":
            return "17179869184\nApple M1\n", ""
        return None, f"{argv[0]} is not on PATH"

    found = hardware.detect(runner, platform="darwin")
    assert found.kind == "apple" and found.name == "Apple M1" and found.memory_gb == 16.0


@pytest.mark.parametrize(
    ("name", "mib", "expected"),
    [
        ("NVIDIA GeForce RTX 4090", 24564, "rtx-4090"),
        ("NVIDIA A100-SXM4-40GB", 40960, "a100-40gb"),
        ("NVIDIA A100-SXM4-80GB", 81920, "a100-80gb"),
        ("Tesla T4", 15360, "t4"),
        ("NVIDIA H100 PCIe", 81559, "h100-pcie"),
        ("NVIDIA L4", 23034, "l4"),
        ("NVIDIA GeForce RTX 3060", 12288, "rtx-3060"),
        ("NVIDIA GeForce RTX 5090", 32607, "rtx-5090"),
        ("Tesla V100-SXM2-16GB", 16160, "v100-16gb"),
    ],
)
def test_known_gpus_map_by_name(cat, name, mib, expected):
    m = hardware.match(hardware.Gpu(name, mib / 1024), cat)
    assert m is not None and m.exact and m.accelerator == expected and not m.warning


def test_an_unknown_gpu_maps_to_the_nearest_by_memory_with_a_warning(cat):
    import math

    m = hardware.match(hardware.Gpu("NVIDIA GeForce GTX 1080 Ti", 11.0), cat)
    assert m is not None and not m.exact
    chosen = cat.accelerators[m.accelerator]
    gpus = [a for a in cat.accelerators.values() if not a.serving_only]
    assert not chosen.serving_only  # never an Apple chip for an NVIDIA card
    assert all(abs(math.log(a.memory_gb / 11)) >= abs(math.log(chosen.memory_gb / 11)) for a in gpus)
    assert "does not know the NVIDIA GeForce GTX 1080 Ti" in m.warning


def test_apple_chips_match_by_name_only(cat):
    m = hardware.match(hardware.Gpu("Apple M2 Max", 32.0), cat, apple=True)
    assert m is not None and m.accelerator == "apple-m2-max"
    assert (
        hardware.match(hardware.Gpu("Apple M2", 16.0), cat, apple=True) is None
    )  # no entry: the CPU profile


# -- the command -------------------------------------------------------------------------------------


def test_serve_auto_uses_the_gpu_nvidia_smi_reports(run, tmp_path):
    path = only(stand_in(tmp_path / "bin", RTX_4090_CSV, RTX_4090_L))
    code, out, err = run("advise", "--task", "summarization", "--serve", "auto", "--json", env={"PATH": path})
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scope"]["serve"] == "rtx-4090"
    why = assumed(doc, "serve")["why"]
    assert "NVIDIA GeForce RTX 4090" in why and "24 GB" in why and "nvidia-smi" in why


def test_gpu_auto_counts_several_gpus(run, tmp_path):
    path = only(stand_in(tmp_path / "bin", FOUR_A100_CSV))
    code, out, err = run(
        "advise", "--task", "chat", "--gpu", "auto", "--gpu-hours", "100", "--json", env={"PATH": path}
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scope"]["gpu"] == "a100-80gb" and doc["scope"]["gpus"] == 4
    assert "4 × NVIDIA A100-SXM4-80GB" in assumed(doc, "gpu")["why"]
    # a count given wins over the detected one
    code, out, _ = run(
        "advise", "--task", "chat", "--gpu", "auto", "--gpus", "2", "--json", env={"PATH": path}
    )
    assert json.loads(out)["scope"]["gpus"] == 2


def test_an_unknown_gpu_warns_and_says_so_in_the_scope(run, tmp_path):
    path = only(stand_in(tmp_path / "bin", UNKNOWN_CSV))
    code, out, err = run("advise", "--task", "summarization", "--serve", "auto", "--json", env={"PATH": path})
    assert code == 0
    doc = json.loads(out)
    assert err.count("does not know the NVIDIA GeForce GTX 1080 Ti") == 1
    assert "nearest by memory" in assumed(doc, "serve")["why"]
    assert doc["scope"]["serve"] == "rtx-3060"  # 12 GB, the nearest to 11 GB


def test_no_nvidia_smi_serves_on_the_cpu_with_this_machines_ram(run, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(
        "advise", "--task", "summarization", "--serve", "auto", "--json", env={"PATH": str(empty)}
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scope"]["serve"] == "cpu"
    ram = hardware.machine_ram_gb()
    assert ram is not None and f"({ram:.0f} GB)" in assumed(doc, "serve")["why"]
    code, out, err = run("advise", "--task", "summarization", "--gpu", "auto", env={"PATH": str(empty)})
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "Error: --gpu auto: found no NVIDIA GPU on this machine (nvidia-smi is not on PATH). "
        "Give --gpu ID (see `whichmodel catalog accelerators`) for the GPU you will train on."
    ]


def test_a_broken_nvidia_smi_is_a_warning_not_a_crash(run, tmp_path):
    body = (
        "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.' >&2\nexit 9\n"
    )
    path = only(stand_in(tmp_path / "bin", body=body))
    code, out, err = run("advise", "--task", "summarization", "--serve", "auto", "--json", env={"PATH": path})
    assert code == 0
    assert json.loads(out)["scope"]["serve"] == "cpu"
    assert "could not communicate with the NVIDIA driver" in err and "Traceback" not in err


def test_a_hanging_nvidia_smi_times_out(run, tmp_path):
    import time

    path = only(stand_in(tmp_path / "bin", body="sleep 30\n"))
    started = time.monotonic()
    code, out, err = run(
        "advise", "--task", "summarization", "--serve", "auto", "--json",
        env={"PATH": path, hardware.TIMEOUT_ENV: "1"},
    )  # fmt: skip
    assert time.monotonic() - started < 15
    assert code == 0 and json.loads(out)["scope"]["serve"] == "cpu"
    assert "did not answer within 1 s" in err


def test_old_drivers_answer_only_the_list(run, tmp_path):
    path = only(stand_in(tmp_path / "bin", "", RTX_4090_L))
    code, out, err = run("advise", "--task", "summarization", "--serve", "auto", "--json", env={"PATH": path})
    assert code == 0, err
    assert json.loads(out)["scope"]["serve"] == "rtx-4090"


def test_a_scope_file_may_say_auto(run, tmp_path):
    path = only(stand_in(tmp_path / "bin", RTX_4090_CSV))
    scope = tmp_path / "s.yaml"
    scope.write_text("tasks: [summarization]\nserve: auto\n")
    code, out, err = run("advise", "--scope", str(scope), "--json", env={"PATH": path})
    assert code == 0, err
    assert json.loads(out)["scope"]["serve"] == "rtx-4090"


def test_serve_auto_on_apple_silicon_uses_the_chip_with_this_macs_memory(run, monkeypatch):
    found = hardware.Found("apple", name="Apple M2 Max", memory_gb=32.0, via="sysctl")
    monkeypatch.setattr(hardware, "detect", lambda: found)
    code, out, err = run("advise", "--task", "chat", "--serve", "auto", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["scope"]["serve"] == "apple-m2-max"
    why = assumed(doc, "serve")["why"]
    assert "Apple M2 Max (32 GB) via sysctl" in why and "24 GB (75%) of its unified memory" in why
    # a chip the catalog lacks: the CPU profile with the Mac's memory
    monkeypatch.setattr(hardware, "detect", lambda: hardware.Found("apple", name="Apple M2", memory_gb=16.0))
    code, out, err = run("advise", "--task", "chat", "--serve", "auto", "--json")
    assert code == 0 and json.loads(out)["scope"]["serve"] == "cpu"
    assert "12 GB (75%)" in assumed(json.loads(out), "serve")["why"]


# -- estimate --gpu auto -----------------------------------------------------------------------------


def test_estimate_gpu_auto_trains_on_the_detected_gpus(run, tmp_path):
    path = only(stand_in(tmp_path / "bin", FOUR_A100_CSV))
    args = ("estimate", "llama-3.1-8b", "-s", "lora", "--examples", "10k", "--json")
    code, out, err = run(*args, "--gpu", "auto", env={"PATH": path})
    assert code == 0, err
    doc = json.loads(out)
    assert doc["accelerator"] == "a100-80gb" and doc["gpus"] == 4
    assert any("--gpu auto: detected 4 × NVIDIA A100-SXM4-80GB" in a for a in doc["assumed"])
    # the same job as naming the GPU and the count
    code, out, _ = run(*args, "--gpu", "a100-80gb", "--gpus", "4")
    named = json.loads(out)
    assert doc["memory_gb"] == named["memory_gb"] and doc["gpu_hours"] == named["gpu_hours"]
    # a count given wins over the detected one
    code, out, _ = run(*args, "--gpu", "AUTO", "--gpus", "2", env={"PATH": path})
    assert code == 0 and json.loads(out)["gpus"] == 2


def test_estimate_gpu_auto_serves_an_inference_job_where_advise_would(run, tmp_path):
    path = only(stand_in(tmp_path / "bin", RTX_4090_CSV))
    code, out, err = run(
        "estimate", "llama-3.1-8b", "-s", "inference", "--gpu", "auto", "--json", env={"PATH": path}
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["accelerator"] == "rtx-4090"
    assert any("--gpu auto: detected 1 × NVIDIA GeForce RTX 4090 (24 GB)" in a for a in doc["assumed"])
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run(
        "estimate", "llama-3.1-8b", "-s", "inference", "--gpu", "auto", "--json", env={"PATH": str(empty)}
    )
    assert code == 0, err
    doc = json.loads(out)
    ram = hardware.machine_ram_gb()
    assert doc["accelerator"] == "cpu"
    assert ram is not None and any(f"({ram:.0f} GB)" in a for a in doc["assumed"])
    assert doc["usable_gb_per_gpu"] <= round(ram * hardware.RAM_SHARE, 1)


def test_estimate_gpu_auto_without_a_gpu_cannot_train(run, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = run("estimate", "llama-3.1-8b", "-s", "qlora", "--gpu", "auto", env={"PATH": str(empty)})
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "Error: --gpu auto: found no NVIDIA GPU on this machine (nvidia-smi is not on PATH). "
        "Give --gpu ID (see `whichmodel catalog accelerators`) for the GPU you will train on."
    ]
    # no strategy: that is the first thing said, before any detection
    code, out, err = run("estimate", "llama-3.1-8b", "--gpu", "auto", env={"PATH": str(empty)})
    assert code == 2 and "Missing --strategy" in err
