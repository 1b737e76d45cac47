"""Time `sftlint check --engine ray` on a local Ray head next to the local engine, on the
same generated file, and check that both report the same findings.

    python benchmarks/bench_ray.py --records 1000000 --select D --cpus 2

Peak memory is sampled every 0.2 s as the sum of the proportional set size (PSS: shared
pages split between the processes that map them, so Ray's shared object store is counted
once) of every process of the run: for the local engine the `sftlint` process and its
workers, for Ray the driver and every process of the head (GCS, raylet, object store,
workers). One node here, so that is the peak per node.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree(root: int, session: int | None) -> list[int]:
    """`root` and its descendants, and every process of `session`."""
    parents: dict[int, int] = {}
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            parents[pid] = int(fields[1])
            if session is not None and int(fields[3]) == session:
                out.append(pid)
        except (OSError, IndexError, ValueError):
            continue
    for pid in parents:
        p = pid
        while p > 1:
            if p == root:
                out.append(pid)
                break
            p = parents.get(p, 0)
    return sorted(set(out))


class PeakSampler:
    def __init__(self, root: int, session: int | None) -> None:
        self.root, self.session, self.peak = root, session, 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, sum(pss_kib(p) for p in tree(self.root, self.session)))
            time.sleep(0.2)

    def stop(self) -> float:
        self.done.set()
        self.thread.join()
        return self.peak / 1024


def run(command: list[str], session: int | None = None) -> tuple[float, float, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    sampler = PeakSampler(proc.pid, session)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    return seconds, sampler.stop(), out


def start_head(cpus: int, temp: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ray = str(Path(sys.executable).with_name("ray"))
    head = subprocess.Popen(
        [ray, "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--port",
         str(port), "--num-cpus", str(cpus), "--include-dashboard", "false",
         "--disable-usage-stats", "--temp-dir", temp],
        env={**os.environ, "RAY_AUTH_MODE": "disabled"}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(180):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    time.sleep(3)
    return head, f"127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--select", default="D")
    parser.add_argument("--cpus", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sftbench"))
    data = folder / "data.jsonl"
    records, _ = generate(args.records)
    with data.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    del records
    print(f"{args.records} records, {data.stat().st_size / 1e6:.0f} MB")
    sftlint = [sys.executable, "-m", "sftlint", "check", "--format", "json", "--select",
               args.select, "--jobs", str(args.cpus), str(data)]
    local_s, local_mib, local_out = run(sftlint)
    print(f"local engine ({args.cpus} workers): {local_s:.1f} s, peak {local_mib:,.0f} MiB")
    head, address = start_head(args.cpus, tempfile.mkdtemp(prefix="sftray", dir="/tmp"))
    try:
        os.environ["RAY_AUTH_MODE"] = "disabled"
        ray_s, ray_mib, ray_out = run([*sftlint, "--engine", "ray", "--ray-address", address],
                                      session=head.pid)
    finally:
        head.send_signal(signal.SIGTERM)
        try:
            head.wait(timeout=30)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(head.pid, signal.SIGKILL)
    print(f"ray engine ({args.cpus} CPUs, one node): {ray_s:.1f} s, peak {ray_mib:,.0f} MiB")

    def key(out: str) -> list[str]:
        return sorted(json.dumps(f, sort_keys=True) for f in json.loads(out))

    same = key(local_out) == key(ray_out)
    print(f"findings: {len(json.loads(local_out))} local, {len(json.loads(ray_out))} ray, "
          f"{'identical' if same else 'DIFFERENT'}")
    data.unlink()


if __name__ == "__main__":
    main()
