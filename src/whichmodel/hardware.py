"""What this machine has to run or train a model on: for `--gpu auto` and `--serve auto`.

NVIDIA GPUs through ``nvidia-smi`` on PATH; Apple Silicon through ``sysctl``; otherwise the CPU with the
machine's RAM. The parsing functions are pure (they take the tools' text); :func:`detect` runs the tools,
each with a timeout, and never raises for a missing, broken or hanging tool. :func:`match` maps what was
found to a catalog accelerator: by name, else the nearest by memory (then bandwidth), with a warning.
The engine never calls this: the CLI does, while it builds the scope.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from whichmodel.catalog import Catalog
from whichmodel.catalog_schema import Accelerator

# Seconds each detection command may take: nvidia-smi answers in well under a second on a working driver
# (an assumption from use); past this the driver is hung and the GPU is reported as not found.
TIMEOUT_S = 5.0
TIMEOUT_ENV = "WHICHMODEL_DETECT_TIMEOUT"
# The share of RAM (or of Apple unified memory) a model may take when it runs on this machine: an
# assumption, leaving a quarter to the operating system and other programs.
RAM_SHARE = 0.75
# nvidia-smi reports MiB; the catalog counts GPU memory as the vendors name it (an RTX 4090's 24 GB is
# 24 GiB, which nvidia-smi shows as 24564 MiB), so 1024 MiB make one catalog GB; RAM likewise.
MIB_PER_GB = 1024
BYTES_PER_GB = 1024**3

NVIDIA_QUERY = ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"]
NVIDIA_LIST = ["nvidia-smi", "-L"]
SYSCTL = ["sysctl", "-n", "hw.memsize", "machdep.cpu.brand_string"]


@dataclass(frozen=True)
class Gpu:
    name: str
    memory_gb: float | None


@dataclass(frozen=True)
class Found:
    """What detection found. ``kind``: nvidia, apple or cpu; ``via``: the command that told."""

    kind: str
    gpus: list[Gpu] = field(default_factory=list)
    name: str = ""
    memory_gb: float | None = None  # Apple unified memory or the machine's RAM
    via: str = ""
    problems: list[str] = field(default_factory=list)  # tools that failed (said in a warning)
    no_gpu: str = ""  # why no NVIDIA GPU was found

    def describe(self) -> str:
        if self.kind == "nvidia" and self.gpus:
            first = self.gpus[0]
            mem = f" ({first.memory_gb:.0f} GB)" if first.memory_gb else ""
            return f"{len(self.gpus)} × {first.name}{mem} via {self.via}"
        mem = f" ({self.memory_gb:.0f} GB)" if self.memory_gb else ""
        what = self.name or ("this machine's CPU" if self.kind == "cpu" else self.kind)
        return f"{what}{mem}" + (f" via {self.via}" if self.via else "")


# -- parsing (pure) ------------------------------------------------------------------------------------


def parse_nvidia_csv(text: str) -> list[Gpu]:
    """``nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits``: one ``name, MiB`` a line."""
    gpus: list[Gpu] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, mem = line.rpartition(",")
        if not name.strip():
            raise ValueError(f"not a name, memory line: {line.strip()[:80]!r}")
        try:
            mib = float(mem.strip())
        except ValueError:
            mib = math.nan  # "[N/A]" or "[Not Supported]"
        memory = round(mib / MIB_PER_GB, 1) if math.isfinite(mib) and mib > 0 else None
        gpus.append(Gpu(name.strip(), memory))
    return gpus


LIST_LINE = re.compile(r"^GPU (\d+): (.+?)(?: \(UUID: [^)]*\))?\s*$")


def parse_nvidia_list(text: str) -> list[str]:
    """``nvidia-smi -L``: ``GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-...)`` a line (MIG lines skipped)."""
    return [m.group(2).strip() for line in text.splitlines() if (m := LIST_LINE.match(line.strip()))]


def parse_sysctl(text: str) -> tuple[float | None, str]:
    """``sysctl -n hw.memsize machdep.cpu.brand_string``: bytes of memory, then the chip's name."""
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    memory = round(int(lines[0]) / BYTES_PER_GB, 1) if lines and lines[0].isdigit() else None
    brand = next((x for x in lines if not x.isdigit()), "")
    return memory, brand


def machine_ram_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / BYTES_PER_GB, 1)
    except (ValueError, OSError, AttributeError):  # not on this platform
        return None


# -- running the tools ---------------------------------------------------------------------------------


def timeout_s() -> float:
    try:
        value = float(os.environ.get(TIMEOUT_ENV, "") or TIMEOUT_S)
    except ValueError:
        return TIMEOUT_S
    return value if 0 < value <= 120 else TIMEOUT_S


def run(argv: list[str], timeout: float) -> tuple[str | None, str]:
    """A command's stdout, or None and why not (absent, failed, hung): never raises."""
    exe = shutil.which(argv[0])
    if exe is None:
        return None, f"{argv[0]} is not on PATH"
    try:
        proc = subprocess.run(
            [exe, *argv[1:]], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return None, f"`{' '.join(argv)}` did not answer within {timeout:g} s"
    except OSError as exc:
        return None, f"`{argv[0]}` could not run ({exc.strerror or exc})"
    if proc.returncode != 0:
        said = (proc.stderr or proc.stdout).strip().splitlines()
        return None, f"`{' '.join(argv)}` failed" + (f": {said[0][:120]}" if said else "")
    return proc.stdout, ""


Runner = Callable[[list[str], float], tuple[str | None, str]]


def detect(runner: Runner = run, platform: str = sys.platform) -> Found:
    """NVIDIA GPUs, else Apple Silicon, else the CPU with the machine's RAM."""
    timeout = timeout_s()
    problems: list[str] = []
    out, why = runner(NVIDIA_QUERY, timeout)
    gpus: list[Gpu] = []
    if out is not None:
        try:
            gpus = parse_nvidia_csv(out)
        except ValueError as exc:
            problems.append(f"nvidia-smi answered in an unknown format ({exc})")
    elif "not on PATH" not in why:
        problems.append(why)
    if out is not None and not gpus:
        listed, why_list = runner(NVIDIA_LIST, timeout)  # older drivers: names only
        if listed is not None:
            gpus = [Gpu(name, None) for name in parse_nvidia_list(listed)]
        elif why_list:
            problems.append(why_list)
    if gpus:
        return Found("nvidia", gpus, via="nvidia-smi", problems=problems)
    no_gpu = why or "nvidia-smi lists no GPU"
    if platform == "darwin":
        out, why = runner(SYSCTL, timeout)
        if out is not None:
            memory, brand = parse_sysctl(out)
            if brand.startswith("Apple"):
                return Found(
                    "apple", name=brand, memory_gb=memory, via="sysctl", problems=problems, no_gpu=no_gpu
                )
        elif why:
            problems.append(why)
    return Found("cpu", memory_gb=machine_ram_gb(), problems=problems, no_gpu=no_gpu)


# -- matching the catalog ------------------------------------------------------------------------------

VENDOR_WORDS = {
    "nvidia",
    "amd",
    "apple",
    "geforce",
    "tesla",
    "instinct",
    "sxm",
    "sxm2",
    "sxm4",
    "sxm5",
    "pcie",
    "hgx",
}


def _words(name: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", name.lower()))


def _core(name: str) -> set[str]:
    """The words that name a GPU model: vendor words, memory sizes and notes in brackets dropped."""
    name = re.sub(r"\([^)]*\)", " ", name)
    return {w for w in _words(name) if w not in VENDOR_WORDS and not re.fullmatch(r"\d+gb|\d+w", w)}


@dataclass(frozen=True)
class Match:
    accelerator: str
    exact: bool
    warning: str = ""


def match(gpu: Gpu, catalog: Catalog, *, apple: bool = False) -> Match | None:
    """The catalog accelerator ``gpu`` is: one whose model words all appear in its name (the nearest memory
    among those); else, for an NVIDIA GPU, the nearest by memory, then bandwidth (lower first: estimates
    err slow), with a warning. Apple chips (``apple``) match Apple entries by name only. None when nothing
    fits or the GPU's memory is unknown."""
    words = _words(gpu.name)
    pool = [a for a in catalog.accelerators.values() if a.unified_memory == apple]
    named = []
    for a in pool:
        core = _core(a.name)
        aliases = {alias.lower() for alias in a.aliases}
        if (core and core <= words) or gpu.name.lower() in aliases:
            named.append(a)
    if named:

        def by_name(a: Accelerator) -> tuple[float, int, str]:
            gap = abs(a.memory_gb - gpu.memory_gb) if gpu.memory_gb else 0.0
            return (gap, -len(_words(a.name) & words), a.id)

        return Match(min(named, key=by_name).id, exact=True)
    memory = gpu.memory_gb
    candidates = [a for a in pool if not a.serving_only]
    if apple or not memory or not candidates:
        return None

    def nearest(a: Accelerator) -> tuple[float, float, str]:
        return (abs(math.log(a.memory_gb / memory)), a.bandwidth_gbps or math.inf, a.id)

    best = min(candidates, key=nearest)
    warning = (
        f"the catalog does not know the {gpu.name} ({memory:.0f} GB); estimates use the {best.name} "
        f"({best.memory_gb:g} GB), the nearest by memory and bandwidth"
    )
    return Match(best.id, exact=False, warning=warning)
