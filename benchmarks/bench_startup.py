"""Start-up: `sftlint check` of a small file against a stdlib `json` loop, in one run.

    python benchmarks/bench_startup.py --records 1000 --ignore T
    python benchmarks/bench_startup.py --records 1000 --ignore T --baseline-rev fb4ac33

What every pre-commit run pays: interpreter start, imports, config, the rules and the
check of a 1,000-record file. Each command runs `--repeat` times, alternating, and the
best wall and CPU (user + system) times are kept, so a loaded machine inflates both sides
alike; the ratio is against `python -c "import json; [json.loads(l) for l in open(f)]"`.
`--baseline-rev` also times the sftlint of an earlier commit (its sftlint/, rules/ and
trainer/, from `git archive`) on the same file. Bytecode caching is on, as for users
(PYTHONDONTWRITEBYTECODE is unset for the runs), and so are sftlint's caches, in a
folder of the run's own filled by the warm-up run: the compiled regexes
(sftlint/regex_cache.py) and the verdicts kept per file (sftlint/verdicts.py). Rows show
a file unchanged since its last check, one with a tenth of its records edited (other ones
before each run), a file's first check (its verdicts forgotten), and every cache off
(what the first run ever pays).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STDLIB_LOOP = "import json, sys\nfor line in open(sys.argv[1]): json.loads(line)"


def checkout(rev: str, into: Path) -> Path:
    """sftlint/, rules/ and trainer/ of commit `rev` as an importable `sftlint` package."""
    into.mkdir()
    archive = subprocess.run(["git", "archive", rev, "sftlint", "rules", "trainer"], cwd=REPO,
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    shutil.move(str(into / "rules"), str(into / "sftlint" / "rules"))
    shutil.move(str(into / "trainer"), str(into / "sftlint" / "trainer"))
    return into


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and its children) of one run."""
    import time

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--ignore", default="T", help="rules to leave out (default: T)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--baseline-rev", help="also time this commit's sftlint")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "d.jsonl"
        subprocess.run([sys.executable, str(Path(__file__).parent / "generate.py"),
                        "--records", str(args.records), str(data)], check=True,
                       stdout=subprocess.DEVNULL)
        edited = folder / "edited.jsonl"
        lines = data.read_bytes().splitlines(keepends=True)
        rng = random.Random(0)

        def check(path: Path) -> list[str]:
            return [sys.executable, "-m", "sftlint", "check", "--exit-zero", "--ignore",
                    args.ignore, str(path)]

        def forgetting(cache: str) -> Callable[[], None]:
            return lambda: shutil.rmtree(folder / cache / "verdicts", ignore_errors=True)

        def edit_a_tenth() -> None:  # new text in 10% of the records, other ones each time
            out = list(lines)
            for i in rng.sample(range(len(out)), len(out) // 10):
                value = json.loads(out[i])
                value["messages"][-1]["content"] += f"（{rng.randrange(10**9)}）"
                out[i] = (json.dumps(value, ensure_ascii=False) + "\n").encode()
            edited.write_bytes(b"".join(out))

        edit_a_tenth()
        commands = {
            "stdlib json loop (baseline)": [sys.executable, "-c", STDLIB_LOOP, str(data)],
            "sftlint check (file unchanged since its last check)": check(data),
            "sftlint check, 10% of the records edited since": check(edited),
            "sftlint check, the file's first check": check(data),
            "sftlint check, every cache off": check(data),
        }
        before: dict[str, Callable[[], None]] = {
            "sftlint check, 10% of the records edited since": edit_a_tenth,
            "sftlint check, the file's first check": forgetting("cache")}
        env["SFTLINT_CACHE_DIR"] = str(folder / "cache")
        envs = {name: env for name in commands}
        envs["sftlint check, every cache off"] = {**env, "SFTLINT_CACHE_DIR": ""}
        # a cache of its own: forgetting the first check's verdicts must not forget these
        envs["sftlint check, 10% of the records edited since"] = {
            **env, "SFTLINT_CACHE_DIR": str(folder / "cache-edited")}
        if args.baseline_rev:
            # its own cache folder: the verdicts one version keeps are void to the other, so
            # a shared folder would turn every "unchanged" run into a first check
            old = checkout(args.baseline_rev, folder / "old")
            old_env = {**env, "PYTHONPATH": str(old),
                       "SFTLINT_CACHE_DIR": str(folder / "cache-old")}
            for what in ("file unchanged", "the file's first check"):
                name = f"sftlint check at {args.baseline_rev} ({what})"
                commands[name], envs[name] = check(data), old_env
            before[name] = forgetting("cache-old")
        for name, cmd in commands.items():  # warm up: bytecode caches, page cache
            timed(cmd, envs[name], folder)
        best = {name: (float("inf"), float("inf")) for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                before.get(name, lambda: None)()
                wall, cpu = timed(cmd, envs[name], folder)
                best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    base_wall, base_cpu = best["stdlib json loop (baseline)"]
    print(f"{args.records} records, --ignore {args.ignore}, best of {args.repeat}")
    print("| | wall | CPU | wall ratio | CPU ratio |\n|---|---|---|---|---|")
    for name, (wall, cpu) in best.items():
        print(f"| {name} | {wall:.3f} s | {cpu:.3f} s | {wall / base_wall:.1f}x | "
              f"{cpu / base_cpu:.1f}x |")


if __name__ == "__main__":
    main()
