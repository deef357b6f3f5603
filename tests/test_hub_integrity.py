"""Snapshot integrity and hostile Hub answers: the findings of the 0.1 reliability review, by class.

Each test names the finding it covers (H4, D13 ... D26). Timing targets live in benchmarks/; the bounds
here ("< 10 s") only catch hangs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import fakehub
from whichmodel import hub_snapshot
from whichmodel.hub_snapshot import HubRecord, Snapshot, read_snapshot, write_snapshot

WHICHMODEL = str(Path(sys.executable).with_name("whichmodel"))


@pytest.fixture()
def hub(monkeypatch, tmp_path):
    h = fakehub.start(monkeypatch, tmp_path)
    yield h
    h.stop()


@pytest.fixture()
def snap_path(tmp_path) -> Path:
    return tmp_path / "cache" / "hub-snapshot.json"


def _env(hub, tmp_path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("HF_TOKEN", None)
    env.update(
        {
            "HF_ENDPOINT": hub.url,
            "WHICHMODEL_CACHE_DIR": str(tmp_path / "cache"),
            "HF_HOME": str(tmp_path / "hf"),
            "NO_COLOR": "1",
            "COLUMNS": "100",
            **extra,
        }
    )
    return env


def _rec(hub_id: str, **kw) -> HubRecord:
    return HubRecord(hub_id=hub_id, downloads=1, fetched_at="2025-01-01T00:00:00Z", **kw)


# -- D13: concurrent refreshes merge ----------------------------------------------------------------------


def test_three_concurrent_refreshes_keep_every_record(hub, tmp_path, snap_path):
    """D13: three `hub refresh` runs at once, each of different models, lose none of each other's records."""
    groups = [[f"org{g}/m{i}" for i in range(4)] for g in range(3)]
    for ids in groups:
        for hid in ids:
            hub.add(hid)
    hub.faults["*"] = "sleep"
    hub.sleep_s = 0.3  # every answer is slow, so the three runs overlap
    env = _env(hub, tmp_path, WHICHMODEL_HUB_WORKERS="1", WHICHMODEL_HUB_DEADLINE="60")
    procs = [
        subprocess.Popen(
            [WHICHMODEL, "hub", "refresh", *ids], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        for ids in groups
    ]
    errs = [p.communicate(timeout=120)[1] for p in procs]  # reads and closes each stderr pipe
    assert [p.returncode for p in procs] == [0, 0, 0], errs
    stored = json.loads(snap_path.read_text())["models"]
    assert sorted(stored) == sorted(h for ids in groups for h in ids)


def test_the_lock_excludes_a_second_writer(tmp_path):
    """D13: while one refresh holds the snapshot lock, another waits and gives up with SnapshotBusy."""
    path = tmp_path / "hub-snapshot.json"
    entered = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with hub_snapshot.locked(path):
            entered.set()
            release.wait(10)

    t = threading.Thread(target=holder)
    t.start()
    assert entered.wait(5)
    try:
        with pytest.raises(hub_snapshot.SnapshotBusy), hub_snapshot.locked(path, timeout=0.2):
            pass
    finally:
        release.set()
        t.join()
    with hub_snapshot.locked(path, timeout=1):  # free again
        pass


# -- D15: an unreadable snapshot is never replaced silently ------------------------------------------------


def _seed_snapshot(path: Path, n: int = 3) -> None:
    write_snapshot(
        Snapshot(
            fetched_at="2025-01-01T00:00:00Z", records={f"old/m{i}": _rec(f"old/m{i}") for i in range(n)}
        ),
        path,
    )


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # truncated
        lambda b: b.replace(b'"format": "whichmodel-hub-snapshot"', b'"format": "something-else"'),  # foreign
        lambda b: b"\xff" + b,  # not UTF-8
    ],
    ids=["truncated", "foreign-format", "not-utf8"],
)
def test_a_refresh_keeps_an_unreadable_snapshot_as_a_backup(run, hub, snap_path, damage):
    """D15: `hub refresh MODEL` over a snapshot it cannot read moves it to a backup and says so."""
    _seed_snapshot(snap_path)
    damaged = damage(snap_path.read_bytes())
    snap_path.write_bytes(damaged)
    hub.add("new/model")
    code, _out, err = run("hub", "refresh", "new/model")
    assert code == 0, err
    backups = list(snap_path.parent.glob("hub-snapshot.json.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == damaged
    assert backups[0].name in err and "Warning:" in err
    assert list(json.loads(snap_path.read_text())["models"]) == ["new/model"]


def test_a_refresh_keeps_the_readable_records_of_a_snapshot_with_a_bad_one(run, hub, snap_path):
    """D15: one bad record ("downloads": "lots") costs that record only; the file is also kept as a backup."""
    _seed_snapshot(snap_path)
    data = json.loads(snap_path.read_text())
    data["models"]["old/m1"]["downloads"] = "lots"
    snap_path.write_text(json.dumps(data))
    warnings: list[str] = []
    snap = read_snapshot(snap_path, warnings)
    assert snap is not None and sorted(snap.records) == ["old/m0", "old/m2"]
    assert "1 record could not be read" in warnings[0]
    hub.add("new/model")
    code, _out, err = run("hub", "refresh", "new/model")
    assert code == 0, err
    assert sorted(json.loads(snap_path.read_text())["models"]) == ["new/model", "old/m0", "old/m2"]
    assert len(list(snap_path.parent.glob("hub-snapshot.json.bak-*"))) == 1


def test_a_snapshot_from_a_newer_whichmodel_is_never_overwritten(run, hub, snap_path):
    """D15: a version-2 snapshot is refused (exit 2, one line), left byte-identical, and no request is made."""
    _seed_snapshot(snap_path)
    data = json.loads(snap_path.read_text())
    data["version"] = 2
    snap_path.write_text(json.dumps(data))
    before = snap_path.read_bytes()
    hub.add("new/model")
    code, _out, err = run("hub", "refresh", "new/model")
    assert code == 2
    assert "newer whichmodel" in err and "refusing to overwrite" in err and "Traceback" not in err
    assert snap_path.read_bytes() == before
    assert not [p for p in hub.paths() if p.startswith("/api/models/")]
    warnings: list[str] = []
    assert read_snapshot(snap_path, warnings) is None
    assert "Upgrade whichmodel" in warnings[0] and "hub refresh" not in warnings[0]


# -- D16: the snapshot is read with bounds -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "sparse-huge"])
def test_a_snapshot_that_is_endless_a_pipe_or_huge_is_refused_quickly(run, snap_path, kind):
    """D16: /dev/zero, a FIFO without a writer and a 3 GB file at the snapshot's name: a warning, no hang."""
    snap_path.parent.mkdir(parents=True)
    if kind == "dev-zero":
        snap_path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(snap_path)
    else:
        with open(snap_path, "wb") as f:
            f.truncate(3 * 1024**3)
    start = time.monotonic()
    code, out, err = run("advise", "--task", "summarization", "--json")
    assert code == 0 and json.loads(out)["recommendations"]
    code, out, err = run("hub", "info", "t5-base")
    assert code == 1 and "cannot be read" in err and "Traceback" not in err
    assert time.monotonic() - start < 10


# -- D18 and D19: every value from the Hub is bounded and clean -----------------------------------------------


def test_a_huge_count_from_the_hub_is_dropped_and_advise_keeps_working(run, hub, snap_path):
    """D18: a 400-digit download count is stored as unknown; advise and catalog show keep working."""
    hub.add("google-t5/t5-base", downloads=10**400, likes=-5, params=10**30)
    code, _out, err = run("hub", "refresh", "t5-base")
    assert code == 0, err
    rec = json.loads(snap_path.read_text())["models"]["google-t5/t5-base"]
    assert rec["downloads"] is None and rec["likes"] is None and rec["params"] is None
    monkey_offline = {"HF_HUB_OFFLINE": "1"}
    code, _out, err = run("advise", "--task", "summarization", "--json", env=monkey_offline)
    assert code == 0, err
    code, _out, err = run("catalog", "show", "t5-base", "--json", env=monkey_offline)
    assert code == 0, err


def test_a_huge_count_in_a_snapshot_costs_only_that_record(run, snap_path):
    """D18: a snapshot edited to hold 10**400 (or 1e400 as a float) skips that record; advise still works."""
    _seed_snapshot(snap_path)
    text = snap_path.read_text().replace('"downloads": 1', '"downloads": 1' + "0" * 400, 1)
    snap_path.write_text(text)
    snap = read_snapshot(snap_path)
    assert snap is not None and len(snap) == 2
    code, _out, err = run("advise", "--task", "summarization", "--json")
    assert code == 0 and "Internal error" not in err


def test_escape_codes_from_the_hub_never_reach_the_terminal(run, hub, snap_path):
    """D19 (and D5 for Hub text): a `gated` or licence holding escape and bidi codes is cleaned at refresh;
    `--json` escapes C1 and bidi characters."""
    hub.add(
        "facebook/bart-large-cnn",
        gated="manual\x1b]0;hijacked\x07\x1b[2J",
        license="mit\u202eevil\x9b31m",
        pipeline_tag="summarization\x1b[2J",
    )
    code, out, err = run("hub", "refresh", "bart-large-cnn")
    assert code == 0, err
    rec = json.loads(snap_path.read_text())["models"]["facebook/bart-large-cnn"]
    assert (
        rec["gated"] is None and rec["license"] == "mitevil31m" and rec["pipeline_tag"] == "summarization[2J"
    )
    for args in (
        ("hub", "info", "bart-large-cnn"),
        ("catalog", "show", "bart-large-cnn"),
        ("hub", "info", "bart-large-cnn", "--live", "--json"),
    ):
        code, out, err = run(*args)
        assert code == 0, err
        for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert bad not in out and bad not in err, (args, bad)


def test_json_output_escapes_c1_and_bidi(capsys):
    """D19: `emit_json` writes U+009B and U+202E as \\u escapes; the parsed value is unchanged."""
    from whichmodel.cli import output

    output.emit_json({"x": "a\x9bb\u202ec\x1b"})
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\u202e" not in out and "\x1b" not in out
    assert json.loads(out) == {"x": "a\x9bb\u202ec\x1b"}


def test_an_answer_for_another_repository_is_not_stored(run, hub, snap_path):
    """D20: when the Hub answers t5-base's request with gpt2's data, nothing is filed under either id."""
    hub.add("openai-community/gpt2", downloads=5)
    hub.models["google-t5/t5-base"] = fakehub.model_json("openai-community/gpt2", downloads=1)
    code, out, err = run("hub", "refresh", "t5-base", "gpt2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["refreshed"] == ["openai-community/gpt2"]
    assert doc["failed"][0]["hub_id"] == "google-t5/t5-base" and "answered for" in doc["failed"][0]["error"]
    stored = json.loads(snap_path.read_text())["models"]
    assert list(stored) == ["openai-community/gpt2"] and stored["openai-community/gpt2"]["downloads"] == 5


# -- H4: credentials in HF_ENDPOINT ----------------------------------------------------------------------------


@pytest.mark.parametrize("secret_at", ["userinfo", "query"])
def test_endpoint_credentials_appear_nowhere(run, hub, snap_path, monkeypatch, secret_at):
    """H4: `user:s3cret@` or `?token=s3cret` in HF_ENDPOINT is never printed, in JSON or text, nor stored."""
    host = hub.url.removeprefix("http://")
    endpoint = f"http://me:s3cret@{host}" if secret_at == "userinfo" else f"http://{host}/?token=s3cret"
    hub.add("openai-community/gpt2")
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    seen = []
    for args in (
        ("hub", "refresh", "gpt2", "--json"),
        ("hub", "refresh", "gpt2"),
        ("hub", "info", "gpt2", "--live"),
    ):
        code, out, err = run(*args)
        seen.append(out + err)
    if secret_at == "userinfo":  # (a query string in an endpoint breaks the URLs built from it: no snapshot)
        seen.append(snap_path.read_text())
    monkeypatch.setenv("HF_ENDPOINT", endpoint.replace(host, "127.0.0.1:1"))  # nothing listens: error text
    code, out, err = run("hub", "discover", "--task", "summarization")
    assert code == 1
    seen.append(out + err)
    for text in seen:
        assert "s3cret" not in text
    assert "127.0.0.1:1" in seen[-1]


def test_credentials_in_a_0_1_snapshot_are_not_shown_again(tmp_path):
    """H4: a snapshot written by 0.1 with `http://me:s3cret@mirror` reads (and writes back) without them."""
    path = tmp_path / "hub-snapshot.json"
    _seed_snapshot(path)
    data = json.loads(path.read_text())
    data["endpoint"] = "http://me:s3cret@mirror.example:8080/hub?token=x"
    path.write_text(json.dumps(data))
    snap = read_snapshot(path)
    assert snap is not None and snap.endpoint == "http://***@mirror.example:8080/hub"
    write_snapshot(snap, path)
    assert "s3cret" not in path.read_text()


# -- D17 and D22: response size caps, bounded decompression, bounded card parsing ---------------------------


@pytest.mark.parametrize("fault", ["gzip-bomb", "huge"])
def test_an_oversized_hub_response_is_abandoned(run, hub, fault):
    """D17: a gzip bomb (256 MiB from ~1 MB) or a 2 GB body is cut at the cap: one error line, exit 1."""
    hub.add("google-t5/t5-base")
    fakehub.gzip_bomb()  # made before the clock starts
    hub.faults["google-t5/t5-base"] = fault
    start = time.monotonic()
    code, out, err = run("hub", "info", "t5-base", "--live", "--json")
    assert code == 1 and out == ""
    assert "abandoned" in err and err.count("Error:") == 1, err
    assert time.monotonic() - start < 10


def test_an_oversized_card_is_not_downloaded(run, hub, tmp_path):
    """D17: `hub card` of a README served as 2 GB stops at the card cap and leaves no 2 GB blob behind."""
    hub.add("org/huge-card", readme="unused")
    hub.faults["org/huge-card"] = "huge"
    code, _out, err = run("hub", "card", "org/huge-card")
    assert code == 1 and "Traceback" not in err
    total = sum(f.stat().st_size for f in (tmp_path / "hf-home").rglob("*") if f.is_file())
    assert total < 64 * 1024 * 1024


def test_the_streamed_decoder_caps_decoded_bytes():
    """D17: the transport's decoder counts bytes after gzip, whatever the compressed size."""
    import httpx2 as lib  # the HTTP library huggingface_hub 2.x uses

    from whichmodel.hub.client import ResponseTooLarge, bounded_response

    body = fakehub.gzip_bomb()
    req = lib.Request("GET", "http://x/")
    resp = lib.Response(200, headers={"Content-Encoding": "gzip"}, stream=lib.ByteStream(body))
    bounded = bounded_response(lib, req, resp, 1024 * 1024)
    with pytest.raises(ResponseTooLarge):
        for _ in bounded.stream:
            pass
    small = lib.Response(
        200,
        headers={"Content-Encoding": "gzip"},
        stream=lib.ByteStream(__import__("gzip").compress(b'{"a": 1}')),
    )
    assert b"".join(bounded_response(lib, req, small, 1024).stream) == b'{"a": 1}'


def test_a_merge_key_bomb_in_a_card_is_harmless(run, hub):
    """D22: a README whose front matter is a merge-key bomb gives its paragraphs at once, metadata empty."""
    k = 3000
    bomb = (
        "big: &b {"
        + ", ".join(f"k{i}: 0" for i in range(k))
        + "}\nl: ["
        + ", ".join(["{<<: *b}"] * k)
        + "]\n"
    )
    hub.add("org/bomb", readme="---\n" + bomb + "---\n\nA card with a small first paragraph of prose here.\n")
    start = time.monotonic()
    code, out, err = run("hub", "card", "org/bomb", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["license"] is None and doc["paragraphs"] == [
        "A card with a small first paragraph of prose here."
    ]
    assert time.monotonic() - start < 10


# -- D21, D26: malformed settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "env, needle",
    [
        ({"HF_TOKEN": "hf_x\u00e9"}, "HF_TOKEN holds characters"),
        ({"WHICHMODEL_HUB_WORKERS": "\u00b3"}, "WHICHMODEL_HUB_WORKERS must be a whole number"),
        ({"HF_ENDPOINT": "http://[::1"}, "HF_ENDPOINT is not a valid URL"),
        ({"HF_ENDPOINT": "http://127.0.0.1:99999"}, "HF_ENDPOINT is not a valid URL"),
        ({"HF_ENDPOINT": "http://"}, "HF_ENDPOINT must be an http(s) URL"),
        ({"WHICHMODEL_HUB_TIMEOUT": "1e308"}, "WHICHMODEL_HUB_TIMEOUT must be a positive number"),
        ({"WHICHMODEL_HUB_DEADLINE": "\u0661\u0662"}, "WHICHMODEL_HUB_DEADLINE must be a positive number"),
    ],
)
def test_malformed_hub_settings_are_one_usage_line(run, hub, env, needle):
    """D21, D26: a bad token, worker count, endpoint or timeout: exit 2, one line, never "Internal error"."""
    for args in (("hub", "info", "t5-base", "--live"), ("hub", "refresh", "t5-base")):
        code, _out, err = run(*args, env=env)
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and needle in lines[0], (args, err)
        assert "hf_x" not in err


# -- D24: Ctrl-C during a Hub command ----------------------------------------------------------------------------


def test_ctrl_c_during_a_hub_request_says_interrupted(hub, tmp_path):
    """D24: SIGINT while `hub info --live` waits on a slow Hub: exit 130 and "Interrupted." on stderr."""
    hub.add("google-t5/t5-base")
    hub.faults["*"] = "sleep"
    hub.sleep_s = 20
    p = subprocess.Popen(
        [WHICHMODEL, "hub", "info", "t5-base", "--live"],
        env=_env(hub, tmp_path, WHICHMODEL_HUB_DEADLINE="30", WHICHMODEL_HUB_TIMEOUT="25"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 15
    while not [r for r in hub.paths() if r.startswith("/api/models/")] and time.monotonic() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=15)
    assert p.returncode == 130 and err.strip() == "Interrupted." and "Traceback" not in err


def test_bidi_controls_in_a_card_are_not_printed(run, hub):
    """D5: a card paragraph with U+202E (or an escape sequence) is printed without it, in text and JSON."""
    hub.add(
        "org/bidi", readme="---\nlicense: mit\n---\n\nThis card says safe \u202eevil\x1b[2J words here.\n"
    )
    for args in (("hub", "card", "org/bidi"), ("hub", "card", "org/bidi", "--json")):
        code, out, err = run(*args)
        assert code == 0, err
        assert "\u202e" not in out and "\x1b" not in out and "evil" in out
