"""`sftlint check --engine ray` on a real local Ray head (127.0.0.1, 2 CPUs): the same
findings as the local engine, one-line errors, and a worker killed mid-run."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("ray", reason="the Ray engine needs the ray extra: pip install 'sftlint[ray]'")

from sftlint.cli import cli  # noqa: E402
from sftlint.config import load_config  # noqa: E402
from sftlint.engine import Linter  # noqa: E402
from sftlint.ray_engine import RayLinter  # noqa: E402
from sftlint.registry import select_rules  # noqa: E402

HANZI = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后"
         "自以会家可下而过天去能对小多")
SYSTEM = "你是一位耐心的陪伴者。"
CATEGORIES = ["loneliness", "nostalgia", "low_mood"]
RECORDS = 3300  # over 3000 distinct texts: D002 takes the sorted-key search, not all pairs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ray_head() -> Iterator[str]:
    """A Ray head on 127.0.0.1 with 2 CPUs, in its own process group, stopped after the
    module's tests (only the processes it started)."""
    port = _free_port()
    temp = tempfile.mkdtemp(prefix="sftray", dir="/tmp")  # Ray's socket paths must be short
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    ray_cli = Path(sys.executable).with_name("ray")
    head = subprocess.Popen(
        [str(ray_cli), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
         "--port", str(port), "--num-cpus", "2", "--include-dashboard", "false",
         "--disable-usage-stats", "--temp-dir", temp],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def stop() -> None:
        if head.poll() is None:
            head.send_signal(signal.SIGTERM)  # `ray start --block` stops what it started
            with contextlib.suppress(subprocess.TimeoutExpired):
                head.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(head.pid, signal.SIGKILL)  # whatever of its group is left

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if head.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the Ray head did not start")
                time.sleep(0.5)
        time.sleep(2)  # the raylet registers after the GCS listens
        yield f"127.0.0.1:{port}"
    finally:
        stop()


@pytest.fixture(autouse=True)
def _no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")  # as the test head runs


def _text(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(lo, hi)))


def _record(user: str, reply: str, category: str) -> dict[str, object]:
    return {"messages": [{"role": "system", "content": SYSTEM},
                         {"role": "user", "content": user},
                         {"role": "assistant", "content": reply}],
            "category": category}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three JSON Lines files, a JSON array and a Parquet file of one dataset, with exact
    and near duplicates planted across files, a reused reply and a lecturing phrase."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(13)
    records: list[dict[str, object]] = []
    for i in range(RECORDS):
        roll = rng.random()
        if i > 20 and roll < 0.03:  # an exact copy of any earlier record, often in another file
            records.append(json.loads(json.dumps(records[rng.randrange(i)])))
        elif i > 20 and roll < 0.07:  # a near copy: one character changed
            copy = json.loads(json.dumps(records[rng.randrange(i)]))
            reply = copy["messages"][2]["content"]  # type: ignore[index]
            at = rng.randrange(len(reply))
            copy["messages"][2]["content"] = reply[:at] + rng.choice(HANZI) + reply[at + 1:]  # type: ignore[index]
            records.append(copy)
        elif roll < 0.09:
            records.append(_record(_text(rng, 4, 12), "我理解您的感受，能多说说吗？",
                                   rng.choice(CATEGORIES)))
        elif roll < 0.1:
            records.append(_record(_text(rng, 4, 12), "你应该早点睡，" + _text(rng, 20, 40),
                                   rng.choice(CATEGORIES)))
        else:
            records.append(_record(_text(rng, 4, 20), _text(rng, 30, 80),
                                   rng.choice(CATEGORIES[:2] if i % 7 else CATEGORIES)))
            if i % 97 == 0:  # P002: another system prompt
                records[-1]["messages"][0]["content"] = "你是一位陪伴者。"  # type: ignore[index]
            if i % 89 == 0:  # R002: a reply that reasons
                records[-1]["messages"][2]["content"] = (  # type: ignore[index]
                    "<think>" + _text(rng, 5, 10) + "</think>" + _text(rng, 30, 60))
    root = tmp_path_factory.mktemp("raydata")
    data = root / "data"
    data.mkdir()
    tail = records[-300:]
    body = records[:-300]
    for k in range(3):
        with (data / f"part{k}.jsonl").open("w", encoding="utf-8") as f:
            for r in body[k::3]:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    (data / "more.json").write_text(json.dumps(tail[:150], ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    pq.write_table(pa.Table.from_pylist([{"messages": r["messages"],
                                          "category": r["category"]} for r in tail[150:]]),
                   data / "rows.parquet")
    (root / "sftlint.toml").write_text(
        'paths = ["data"]\n[categories]\nfield = "category"\n'
        f"names = {json.dumps(CATEGORIES)}\n", encoding="utf-8")
    return root


def _sorted(findings: list[dict[str, object]]) -> list[str]:
    return sorted(json.dumps(f, sort_keys=True, ensure_ascii=False) for f in findings)


def _assert_same(found: list[dict[str, object]], expected: list[dict[str, object]]) -> None:
    a, b = _sorted(found), _sorted(expected)
    assert a == b, (len(a), len(b), sorted(set(a) - set(b))[:3], sorted(set(b) - set(a))[:3])


def _check_json(root: Path, *args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(cli, ["check", "--config", str(root / "sftlint.toml"),
                                      "--format", "json", *args], catch_exceptions=False)
    out = result.stdout
    return result.exit_code, json.loads(out) if out.strip() else [], result.stderr


def test_same_findings_as_the_local_engine(ray_head: str, dataset: Path) -> None:
    code, local, _ = _check_json(dataset)
    ray_code, on_ray, err = _check_json(dataset, "--engine", "ray", "--ray-address", ray_head)
    assert (ray_code, err) == (code, "")
    codes = {f["code"] for f in local}
    assert {"D001", "D002", "D003", "B001", "A001", "P002", "R002"} <= codes, codes
    assert any(f["code"] == "D001" and ":" in str(f["message"]).rsplit(" ", 1)[-1]
               for f in local)  # a duplicate across files
    _assert_same(on_ray, local)


def test_byte_ranges_and_partitions_give_the_same_findings(ray_head: str,
                                                           dataset: Path) -> None:
    """Large files read as many byte ranges, 3 shuffle partitions (range edges of the
    near-duplicate search between them)."""
    config, _ = load_config(str(dataset / "sftlint.toml"))
    rules = select_rules(None, [])
    target = [str(dataset / "data")]
    local = Linter(config, rules).check(target)
    on_ray = RayLinter(config, rules, address=ray_head, partitions=3, chunk_bytes=40_000,
                       split_min_bytes=40_000).check(target)
    assert (on_ray.files, on_ray.records) == (local.files, local.records) == (5, RECORDS)
    _assert_same([f.to_dict() for f in on_ray.findings], [f.to_dict() for f in local.findings])


def test_unreachable_cluster_is_one_line(dataset: Path) -> None:
    code, findings, err = _check_json(dataset, "--engine", "ray", "--ray-address",
                                      f"127.0.0.1:{_free_port()}")
    assert code == 2 and findings == []
    assert err.startswith("sftlint: error: cannot reach the Ray cluster at 127.0.0.1:")
    assert err.count("\n") == 1


def test_worker_without_sftlint_is_one_line(ray_head: str, dataset: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """What a worker without sftlint answers the engine's probe (sent by value)."""
    import sftlint.ray_engine

    monkeypatch.setattr(sftlint.ray_engine, "PROBE",
                        "def probe():\n    return \"missing: No module named 'sftlint'\"\n")
    code, findings, err = _check_json(dataset, "--engine", "ray", "--ray-address", ray_head)
    assert code == 2 and findings == []
    assert err.startswith("sftlint: error: a Ray worker cannot import sftlint")
    assert err.count("\n") == 1


def test_worker_killed_mid_run(ray_head: str, dataset: Path) -> None:
    """Kill -9 a worker while it runs a task: the check completes with the same findings
    (Ray retries the task) or fails with one line and exit 2; never a partial result."""
    _, local, _ = _check_json(dataset)
    head_session = _head_session(ray_head)
    command = [sys.executable, "-m", "sftlint", "check", "--config",
               str(dataset / "sftlint.toml"), "--format", "json", "--engine", "ray",
               "--ray-address", ray_head]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, env={**os.environ, "RAY_AUTH_MODE": "disabled"})
    killed = None
    deadline = time.monotonic() + 60
    while run.poll() is None and killed is None and time.monotonic() < deadline:
        killed = _kill_a_busy_worker(head_session)
        time.sleep(0.02)
    out, err = run.communicate(timeout=120)
    assert killed is not None, "no worker was seen running a task"
    if run.returncode == 2:
        assert out.strip() in ("", "[]") and err.count("\n") == 1 and "error" in err, err
    else:
        assert run.returncode == 1 and out.startswith("["), (run.returncode, err, out[:200])
        _assert_same(json.loads(out), local)


def _head_session(address: str) -> int:
    """The session of the test head (the `ray start` that listens at `address`): its
    workers run in it, each in a process group of its own."""
    port = address.rsplit(":", 1)[1]
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"start" in cmd and b"--block" in cmd and port.encode() in cmd:
            return os.getsid(int(pid))
    raise AssertionError("the test head is not running")


def _kill_a_busy_worker(session: int) -> int | None:
    """SIGKILL one worker of the head's session that runs one of the engine's tasks."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
            if os.getsid(int(pid)) != session:
                continue
        except OSError:
            continue
        if title.startswith((b"ray::_read_part", b"ray::_exact_groups", b"ray::_near_range",
                             b"ray::_reply_groups")):
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                continue
            return int(pid)
    return None


def test_engine_from_config(dataset: Path, tmp_path: Path) -> None:
    """`engine = "ray"` and `ray-address` in the config do what the options do."""
    config = tmp_path / "sftlint.toml"
    config.write_text((dataset / "sftlint.toml").read_text(encoding="utf-8").replace(
        'paths = ["data"]', f'paths = ["{dataset / "data"}"]\nengine = "ray"\n'
        f'ray-address = "127.0.0.1:{_free_port()}"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 2
    assert result.stderr.startswith("sftlint: error: cannot reach the Ray cluster at 127.0.0.1:")
