"""The Ray engine (`sftlint check --engine ray`): the local engine's rules on a Ray cluster.

What runs where:

- Reading and per-record rules: one Ray task per newline-aligned byte range of a large JSON
  Lines file (the local engine's `Linter.lint_range`), or per whole input otherwise
  (`Linter.lint_file`: JSON arrays, Parquet, Arrow, small files). Each task keeps the rows it
  produces on its own node, split by key into one object per shuffle partition.
- D001 exact duplicates and D003 reused replies: rows are grouped across the cluster by the
  rule's key (the normalized sample text, the normalized reply); each partition replays its
  rows, in the global (file, line) order, through a fresh instance of the rule. The rules'
  state is per key, so the partitions' findings together are the local engine's.
- D002 near-duplicates: the first occurrence of each text (from D001's partitions) is
  compared where it landed: exhaustively, block against block, for small sets, else by the
  local search's sorted anchored keys, each key's order range-partitioned across the
  cluster, neighbours paired and verified in each range and across range edges.
- B001 categories: counts as an aggregate. B004 record counts: from the readers' facts.
- P002 prompts and R002 reasoning: counts summed on the driver, then each read task's
  kept rows are reported against the totals where they were read.
- Other dataset rules (D004, third-party ones) observe the rows on the driver, read
  chunk by chunk in order, as the local engine's parent process does.

Ray is imported lazily: it is the `ray` extra.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from sftlint.engine import PARALLEL_MIN_BYTES, CheckResult, Linter
from sftlint.findings import Finding
from sftlint.formats import Dataset, display_path, format_for
from sftlint.formats.jsonl import JsonLines
from sftlint.reader import InputError, SourceFacts
from sftlint.records import Row, Shape
from sftlint.registry import instantiate
from sftlint.rule import DatasetRule, Rule

if TYPE_CHECKING:
    import numpy as np

    from sftlint.config import Config
    from sftlint.run_cache import RunCache

RAY_CHUNK_BYTES = 16 << 20  # a byte range per task (larger than locally: a task costs more)
KEYED = ("D001", "D002", "D003")  # grouped by key across the cluster
AGGREGATED = ("B001",)  # counted where read, summed on the driver
# counted where read and summed; then each part reports its own rows against the totals
TWO_PASS = ("P002", "R002")
FACTS_ONLY = ("B004",)  # needs only the readers' facts
SAMPLES = 64  # per key and partition, to place the range boundaries of D002's sorted keys
FILE_BITS, PART_BITS, ROW_BITS = 20, 12, 31  # a row's global order: (file, part, row) in 63 bits


class RayEngineError(InputError):
    """The cluster cannot be reached, a worker lacks sftlint, or the run failed: one line,
    exit code 2, and no findings (never a partial result)."""


def stable_hash(text: str) -> int:
    """A 64-bit hash that every process computes alike (`hash` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                          digest_size=8).digest(), "little")


class Part(NamedTuple):
    """One read task: a whole input, or a byte range of a JSON Lines file."""

    file_index: int
    chunk: int  # its index within the file
    path: str
    display: str
    whole: bool
    start: int = 0
    end: int = 0
    first_line: int = 1
    shape: Shape | None = None


@dataclass
class Plan:
    """What the workers need to know, shipped once per check."""

    config: Config
    rules: list[type[Rule]]
    cwd: str  # paths and the config's root resolve as on the driver (shared filesystems)
    partitions: int
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    keyed: tuple[str, ...] = ()  # which of D001-D003 are active
    want_exact: bool = False  # D001 or D002: rows grouped by sample text
    want_reply: bool = False  # D003: rows grouped by reply
    aggregated: tuple[str, ...] = ()
    two_pass: tuple[str, ...] = ()
    driver_rules: bool = False  # some dataset rule observes rows on the driver


class PartHead(NamedTuple):
    facts: SourceFacts
    findings: list[Finding]
    counts: dict[str, Counter[str]]  # aggregated rules' counts
    rows: int


class RayLinter(Linter):
    """`Linter` whose `check` runs on a Ray cluster (at `address`, or a local one started for
    the check). Everything else (fixes, records in memory) is the local engine's."""

    def __init__(self, config: Config, rules: list[type[Rule]], *, dataset_rules: bool = True,
                 jobs: int | None = None, run: RunCache | None = None,
                 address: str | None = None, partitions: int | None = None,
                 chunk_bytes: int = RAY_CHUNK_BYTES,
                 split_min_bytes: int = PARALLEL_MIN_BYTES) -> None:
        super().__init__(config, rules, dataset_rules=dataset_rules, jobs=jobs, run=run)
        self.address = address
        self.partitions = partitions
        self.chunk_bytes = chunk_bytes
        self.split_min_bytes = split_min_bytes

    def check(self, paths: list[str], progress: Callable[[str], None] | None = None
              ) -> CheckResult:
        warnings: list[str] = []
        datasets = self.config.datasets(paths, warnings)
        say = progress or (lambda message: None)
        ray = _connect(self.address, say)
        quiet = _quiet_cluster_messages()
        try:
            result = _RayCheck(self, ray, say).run(datasets)
        except RayEngineError:
            raise
        except Exception as exc:
            if not _is_ray_error(ray, exc):
                raise
            cause = getattr(exc, "cause", None)  # what a task raised, e.g. an unreadable input
            if isinstance(cause, InputError):
                raise InputError(str(cause)) from None
            raise RayEngineError(f"the Ray run failed, no findings reported: "
                                 f"{_one_line(exc)}") from None
        finally:
            say("")
            ray.shutdown()
            quiet()
        result.warnings = warnings
        return result


def _quiet_cluster_messages() -> Callable[[], None]:
    """Keep the cluster's messages ("a worker died ...", printed by Ray's driver thread on
    stdout) out of the output, which may be JSON; failures that matter end the check with
    one line. Returns what undoes it."""
    try:
        import ray._private.worker as driver
    except ImportError:
        return lambda: None
    printer = getattr(driver, "print_to_stdstream", None)
    if printer is None:
        return lambda: None
    driver.print_to_stdstream = lambda data, ignore_prefix: None

    def restore() -> None:
        driver.print_to_stdstream = printer

    return restore


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = next((line.strip() for line in text if line.strip()), "")
    return f"{type(exc).__name__}: {first}"[:300]


def _is_ray_error(ray: Any, exc: BaseException) -> bool:
    import ray.exceptions

    return isinstance(exc, ray.exceptions.RayError | ConnectionError | TimeoutError)


PROBE = '''
def probe():
    try:
        import sftlint
    except ImportError as exc:
        return "missing: " + str(exc)
    return "sftlint " + sftlint.__version__
'''


def _connect(address: str | None, say: Callable[[str], None]) -> Any:
    """Ray, connected to the cluster at `address` (or `RAY_ADDRESS`), else to a local one it
    starts; checked to have sftlint, of this version, on its workers."""
    try:
        import ray
    except ImportError:
        raise RayEngineError("--engine ray needs Ray: pip install 'sftlint[ray]'") from None
    import logging

    import sftlint

    where = address or os.environ.get("RAY_ADDRESS")
    say(f"sftlint: ray: connecting to {where}" if where else "sftlint: ray: starting a "
        "local cluster")
    if where:
        _reachable(where)
        if "RAY_AUTH_MODE" not in os.environ and _has_token():
            # a cluster started where a token exists requires it; one without auth
            # ignores it (Ray's driver sends it only in token mode)
            os.environ["RAY_AUTH_MODE"] = "token"
    try:
        ray.init(address=where, logging_level=logging.ERROR, log_to_driver=False,
                 include_dashboard=False, configure_logging=True)
    except Exception as exc:  # noqa: BLE001 - whatever ray raises, one line
        raise RayEngineError(f"cannot reach the Ray cluster at {where or 'a new local one'}: "
                             f"{_one_line(exc)}") from None
    # the probe is sent by value (not as sftlint.ray_engine.probe), so that it runs on a
    # worker without sftlint and says so
    scope: dict[str, Any] = {"__name__": "sftlint_ray_probe"}
    exec(PROBE, scope)  # noqa: S102 - a fixed string
    try:
        found = ray.get(ray.remote(num_cpus=0, max_retries=0)(scope["probe"]).remote(),
                        timeout=120)
    except Exception as exc:  # noqa: BLE001
        ray.shutdown()
        raise RayEngineError(f"a Ray worker did not answer: {_one_line(exc)}") from None
    want = f"sftlint {sftlint.__version__}"
    if found != want:
        ray.shutdown()
        what = "cannot import sftlint" if found.startswith("missing") else f"has {found}"
        raise RayEngineError(f"a Ray worker {what} (this is {want}); install the same "
                             "sftlint on every node: pip install 'sftlint[ray]'")
    return ray


def _has_token() -> bool:
    path = os.environ.get("RAY_AUTH_TOKEN_PATH") or os.path.expanduser("~/.ray/auth_token")
    return bool(os.environ.get("RAY_AUTH_TOKEN")) or os.path.isfile(path)


def _reachable(address: str, timeout: float = 5.0) -> None:
    """Fail fast, in one line, when nothing listens at a host:port address (Ray itself
    retries for minutes)."""
    import socket

    host, _, port = address.removeprefix("ray://").rpartition(":")
    if address == "auto" or not host or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise RayEngineError(f"cannot reach the Ray cluster at {address}: "
                             f"{exc.strerror or exc}") from None


class _RayCheck:
    """One check on the cluster."""

    def __init__(self, linter: RayLinter, ray: Any, say: Callable[[str], None]) -> None:
        self.linter = linter
        self.ray = ray
        self.say = say
        codes = {r.code for r in linter.dataset_classes}
        cpus = int(ray.cluster_resources().get("CPU", 1))
        keyed = tuple(c for c in KEYED if c in codes)
        self.plan = Plan(linter.config, linter.rule_classes, os.getcwd(),
                         linter.partitions or max(2, cpus), keyed=keyed,
                         want_exact=bool({"D001", "D002"} & codes), want_reply="D003" in codes,
                         aggregated=tuple(c for c in AGGREGATED if c in codes),
                         two_pass=tuple(c for c in TWO_PASS if c in codes),
                         driver_rules=any(c not in (*KEYED, *AGGREGATED, *TWO_PASS,
                                                    *FACTS_ONLY) for c in codes))
        self.plan_ref = ray.put(self.plan)
        remote = ray.remote
        self.read_part = remote(max_retries=3)(_read_part)
        self.exact_groups = remote(max_retries=3, num_returns=2)(_exact_groups)
        self.reply_groups = remote(max_retries=3)(_reply_groups)
        self.near_blocks = remote(max_retries=3)(_near_blocks)
        self.sketch_part = remote(max_retries=3, num_returns=2)(_sketch_part)
        self.scatter = remote(max_retries=3)(_scatter)
        self.near_range = remote(max_retries=3)(_near_range)
        self.part_reports = remote(max_retries=3)(_part_reports)

    def run(self, datasets: list[Dataset]) -> CheckResult:
        linter, result = self.linter, CheckResult()
        row_paths: set[str] = set()
        for dataset in datasets:
            self.check_dataset(dataset, result, row_paths)
        return linter.finish_check(result, row_paths)

    def parts(self, files: list[str]) -> Iterator[tuple[Part, bool]]:
        """The read tasks of the dataset's files, and whether the input is JSON text."""
        linter = self.linter
        for n, path in enumerate(files):
            if n >= 1 << FILE_BITS:
                raise RayEngineError(f"more than {1 << FILE_BITS} inputs in one dataset")
            fmt = format_for(path)
            absolute, display = os.path.abspath(path), display_path(path)
            if isinstance(fmt, JsonLines):
                data = fmt.open(path)
                first = (fmt.first_value(data, linter.builder.accept_lists)
                         if len(data) >= linter.split_min_bytes else None)
                if first is not None:
                    shape = linter.builder.shape_for(first)
                    count = min(1 << PART_BITS, max(1, len(data) // linter.chunk_bytes))
                    for index, (a, b, line) in enumerate(fmt.split(data, count)):
                        yield Part(n, index, absolute, display, False, a, b, line, shape), True
                    continue
            yield Part(n, 0, absolute, display, True), fmt.text

    def check_dataset(self, dataset: Dataset, result: CheckResult, row_paths: set[str]) -> None:
        ray, plan, say = self.ray, self.plan, self.say
        dataset_rules = [r for r in instantiate(self.linter.dataset_classes, self.linter.config)
                         if isinstance(r, DatasetRule)]
        for rule in dataset_rules:
            rule.run = self.linter.run or rule.run
        parts = list(self.parts(dataset.files))
        returns = 3 + plan.partitions
        refs = [self.read_part.options(num_returns=returns).remote(self.plan_ref, part)
                for part, _ in parts]
        heads = [r[0] for r in refs]
        self.wait_all(heads, f"sftlint: ray: {dataset.name}: reading", "parts")
        read: list[PartHead] = ray.get(heads)
        # the readers' facts, file by file, and file rules on ranges' merged facts
        by_file: dict[int, list[tuple[Part, bool, PartHead]]] = {}
        row_refs: dict[int, list[Any]] = {}
        for (part, text), head, ref in zip(parts, read, refs, strict=True):
            by_file.setdefault(part.file_index, []).append((part, text, head))
            row_refs.setdefault(part.file_index, []).append(ref[1])
            result.findings += head.findings
        driver_rules = [r for r in dataset_rules
                        if r.code not in (*KEYED, *AGGREGATED, *TWO_PASS)]
        for file_index in sorted(by_file):
            pieces = by_file[file_index]
            part, text = pieces[0][0], pieces[0][1]
            if part.whole:
                facts = pieces[0][2].facts
            else:
                facts = JsonLines.merge_facts([head.facts for *_, head in pieces])
                for file_rule in self.linter.file_rules:
                    result.findings += file_rule.check(facts)
            if not text:
                row_paths.add(facts.path)
            result.files += 1
            result.paths.append(facts.path)
            result.records += facts.records
            for rule in driver_rules:
                rule.observe_file(facts)
            if plan.driver_rules:  # their rows, part by part in order: few in memory at once
                for ref in row_refs[file_index]:
                    for row in ray.get(ref):
                        for rule in driver_rules:
                            rule.observe(row)
        for rule in dataset_rules:
            if rule.code in AGGREGATED:
                merged: Counter[str] = Counter()
                for head in read:
                    merged.update(head.counts.get(rule.code, {}))
                rule.counts = merged  # type: ignore[attr-defined]  # B001's counts, summed
                result.findings += rule.dataset_findings(dataset.name)
            elif rule.code not in (*KEYED, *TWO_PASS):
                say(f"sftlint: {rule.code} {rule.name} over {dataset.name}")
                result.findings += rule.dataset_findings(dataset.name)
        result.findings += self.two_pass_findings(dataset, read, [r[2] for r in refs])
        buckets = [[r[3 + p] for r in refs] for p in range(plan.partitions)]
        result.findings += self.keyed_findings(dataset, buckets)

    def two_pass_findings(self, dataset: Dataset, read: list[PartHead], marks: list[Any]
                          ) -> list[Finding]:
        """P002 and R002: the parts' counts summed here (in file order, as the local
        engine counts), then each part reports its own rows against the totals."""
        plan, config = self.plan, self.plan.config
        totals: dict[str, Any] = {}
        if "P002" in plan.two_pass and config.system_prompt is None \
                and config.system_prompt_file is None:
            prompts: Counter[str] = Counter()
            for head in read:
                prompts.update(head.counts.get("P002", {}))
            if len(prompts) >= 2:
                totals["P002"] = prompts.most_common(1)[0]  # first seen wins a tie
        if "R002" in plan.two_pass:
            reasoning: Counter[str] = Counter()
            for head in read:
                reasoning.update(head.counts.get("R002", Counter()))
            with_, without = reasoning["with"], reasoning["without"]
            if with_ and without:
                totals["R002"] = (with_, without)
        if not totals:
            return []
        jobs = [self.part_reports.remote(self.plan_ref, m, totals) for m in marks]
        self.wait_all(jobs, f"sftlint: ray: {dataset.name}: prompts and reasoning", "parts")
        return [f for found in self.ray.get(jobs) for f in found]

    def wait_all(self, refs: list[Any], label: str, unit: str) -> None:
        pending, total = list(refs), len(refs)
        while pending:
            _, pending = self.ray.wait(pending, num_returns=1, timeout=1.0)
            done = total - len(pending)
            self.say(f"{label} [{'#' * (20 * done // max(total, 1)):<20}] {done}/{total} {unit}")

    def keyed_findings(self, dataset: Dataset, buckets: list[list[Any]]) -> list[Finding]:
        ray, plan, found = self.ray, self.plan, []
        name = dataset.name
        if not plan.keyed:
            return []
        jobs: list[Any] = []
        exact = uniques = None
        if plan.want_exact:
            pairs = [self.exact_groups.remote(self.plan_ref, name, *b) for b in buckets]
            exact, uniques = [p[0] for p in pairs], [p[1] for p in pairs]
        if plan.want_reply:
            jobs += [self.reply_groups.remote(self.plan_ref, name, *b) for b in buckets]
        if exact is not None:
            self.wait_all(exact, f"sftlint: ray: {name}: exact duplicates", "partitions")
            heads = ray.get(exact)
            for findings, _, _ in heads:
                found += findings
            if "D002" in plan.keyed:
                found += self.near_duplicates(name, uniques or [], heads)
        if jobs:
            self.wait_all(jobs, f"sftlint: ray: {name}: reused replies", "partitions")
            for findings in ray.get(jobs):
                found += findings
        return found

    def near_duplicates(self, name: str, uniques: list[Any],
                        heads: list[tuple[list[Finding], int, int]]) -> list[Finding]:
        from sftlint.dedup import NEIGHBOURS, exhaustive_search

        ray, plan = self.ray, self.plan
        count = sum(n for _, n, _ in heads)
        mean = sum(size for *_, size in heads) / max(count, 1)
        best: dict[int, Near] = {}
        if exhaustive_search(count, count, mean):
            label = f"sftlint: ray: {name}: near duplicates (all pairs)"
            blocks = [self.near_blocks.remote(self.plan_ref, uniques[a], uniques[b], a == b)
                      for a in range(len(uniques)) for b in range(a, len(uniques))]
            self.wait_all(blocks, label, "blocks")
            for part in ray.get(blocks):
                merge_best(best, part)
        else:
            label = f"sftlint: ray: {name}: near duplicates (sorted keys)"
            sketched = [self.sketch_part.remote(u) for u in uniques]
            samples = ray.get([s[0] for s in sketched])
            splitters = range_splitters(samples, plan.partitions)
            scattered = [self.scatter.options(num_returns=plan.partitions).remote(
                u, s[1], splitters) for u, s in zip(uniques, sketched, strict=True)]
            if plan.partitions == 1:
                scattered = [[s] for s in scattered]
            ranges = [self.near_range.remote(self.plan_ref, *[s[r] for s in scattered])
                      for r in range(plan.partitions)]
            self.wait_all(ranges, label, "ranges")
            edges: list[Edge] = []
            for part, edge in ray.get(ranges):
                merge_best(best, part)
                edges.append(edge)
            merge_best(best, near_across_ranges(edges, plan.config, NEIGHBOURS))
        rule = next(r for r in instantiate(plan.rules, plan.config) if r.code == "D002")
        report = rule.report  # type: ignore[attr-defined]
        return [report((n.path, n.line, n.column), (n.other_path, n.other_line, n.other_column),
                       n.score, n.key, n.other_key) for n in best.values()]


# --- on the workers -------------------------------------------------------------------

_LINTERS: dict[str, Linter] = {}


def _linter(plan: Plan) -> Linter:
    """The worker's linter for this check (built once per worker process)."""
    linter = _LINTERS.get(plan.token)
    if linter is None:
        from sftlint.run_cache import RunCache

        if os.path.isdir(plan.cwd) and os.getcwd() != plan.cwd:
            os.chdir(plan.cwd)
        _LINTERS.clear()
        linter = _LINTERS[plan.token] = Linter(plan.config, plan.rules, jobs=1)
        run = RunCache()  # shared by the rules, as in one local check
        for active in (*linter.file_rules, *linter.record_rules, *linter.project_rules):
            active.run = run
    return linter


def _order(part: Part, row: int) -> int:
    if row >= 1 << ROW_BITS:
        raise RayEngineError(f"{part.display}: more than {1 << ROW_BITS} records in one part")
    return (part.file_index << (PART_BITS + ROW_BITS)) | (part.chunk << ROW_BITS) | row


def _read_part(plan: Plan, part: Part) -> tuple[Any, ...]:
    """Read and lint one part; returns its head, its rows for the driver's rules (or None),
    and one object per shuffle partition: (rows by sample text, rows by reply), each row
    with its global order."""
    from sftlint.rules.categories import category_of
    from sftlint.rules.duplicates import normalized_turns, sample_text

    linter = _linter(plan)
    rows: list[Row] = []
    if part.whole:
        facts, findings = linter.lint_file(part.path, rows.extend, None,
                                           format_for(part.path))
    else:
        assert part.shape is not None
        facts, findings, rows = linter.lint_range(part.display, part.path, part.start,
                                                  part.end, part.first_line, part.shape)
    counts: dict[str, Counter[str]] = {}
    if "B001" in plan.aggregated and plan.config.categories is not None:
        categories = plan.config.categories
        counts["B001"] = Counter(category_of(row, categories) or "(none)" for row in rows)
    buckets: list[tuple[list[tuple[int, Row]], list[tuple[int, Row]]]] = [
        ([], []) for _ in range(plan.partitions)]
    for n, row in enumerate(rows):
        if plan.want_exact and (row.user or row.assistant):
            order = _order(part, n)
            buckets[stable_hash(sample_text(row)) % plan.partitions][0].append((order, row))
        if plan.want_reply:
            reply = normalized_turns(row)[1]
            if reply:
                buckets[stable_hash(reply) % plan.partitions][1].append((_order(part, n), row))
    marks: list[tuple[str, int, int, str | None, bool | None, str]] = []
    if "P002" in plan.two_pass:
        counts["P002"] = Counter(row.system for row in rows if row.system is not None)
    if "R002" in plan.two_pass:
        counts["R002"] = Counter("with" if row.reasoning else "without" for row in rows
                                 if row.reasoning is not None)
    if plan.two_pass:  # what the second pass needs of each row, kept on this node
        marks = [(row.path, row.line, row.column, row.system, row.reasoning,
                  row.key() if "R002" in plan.two_pass and row.reasoning is not None else "")
                 for row in rows]
    head = PartHead(facts, findings, counts, len(rows))
    return (head, rows if plan.driver_rules else None, marks, *buckets)


def _part_reports(plan: Plan, marks: list[tuple[str, int, int, str | None, bool | None, str]],
                  totals: dict[str, Any]) -> list[Finding]:
    """P002's and R002's findings on one part's rows, given the dataset's totals."""
    from sftlint.rules.system_prompt import describe_difference

    rules = {r.code: r for r in instantiate(plan.rules, plan.config) if r.code in totals}
    found: list[Finding] = []
    details: dict[str, str] = {}
    for path, line, column, system, reasoning, key in marks:
        if "P002" in totals and system is not None:
            reference, count = totals["P002"]
            if system != reference:
                detail = details.get(system)
                if detail is None:
                    detail = details[system] = describe_difference(system, reference)
                found.append(rules["P002"].report((path, line), detail, count))  # type: ignore[attr-defined]
        if "R002" in totals and reasoning is not None:
            with_, without = totals["R002"]
            if reasoning == (with_ < without):  # the smaller group (on a tie, without)
                found.append(rules["R002"].report((path, line, column), key, with_, without))  # type: ignore[attr-defined]
    return found


def _replay(plan: Plan, code: str, dataset: str, rows: Sequence[tuple[int, Row]]
            ) -> list[Finding]:
    """Findings of rule `code` on these rows, observed in their global order."""
    rule = next(r for r in instantiate(plan.rules, plan.config) if r.code == code)
    assert isinstance(rule, DatasetRule)
    for _, row in sorted(rows, key=lambda item: item[0]):
        rule.observe(row)
    return rule.dataset_findings(dataset)


class Unique(NamedTuple):
    """The first occurrence of each sample text of a partition, in global order."""

    orders: list[int]
    places: list[tuple[str, int, int]]  # path, line, column
    texts: list[str]


def _exact_groups(plan: Plan, dataset: str, *buckets: tuple[list[tuple[int, Row]], Any]
                  ) -> tuple[tuple[list[Finding], int, int], Unique]:
    """D001 on the rows of one partition of sample texts; the first occurrences for D002."""
    from sftlint.rules.duplicates import near_comparable, sample_text

    rows = sorted((item for bucket in buckets for item in bucket[0]), key=lambda i: i[0])
    findings = _replay(plan, "D001", dataset, rows) if "D001" in plan.keyed else []
    unique = Unique([], [], [])
    seen: set[str] = set()
    if "D002" in plan.keyed:
        for order, row in rows:
            text = sample_text(row)
            if text not in seen and near_comparable(text):
                seen.add(text)
                unique.orders.append(order)
                unique.places.append((row.path, row.line, row.column))
                unique.texts.append(text)
    return (findings, len(unique.texts), sum(map(len, unique.texts))), unique


def _reply_groups(plan: Plan, dataset: str, *buckets: tuple[Any, list[tuple[int, Row]]]
                  ) -> list[Finding]:
    """D003 on the rows of one partition of replies."""
    return _replay(plan, "D003", dataset, [item for bucket in buckets for item in bucket[1]])


class Near(NamedTuple):
    """A record near an earlier one: D002's finding, before it is written."""

    score: float
    other_order: int
    path: str
    line: int
    column: int
    key: str
    other_path: str
    other_line: int
    other_column: int
    other_key: str


def merge_best(best: dict[int, Near], found: dict[int, Near]) -> None:
    """Keep, per later record, its most similar earlier one (the earliest on equal scores),
    as `dedup.best_matches` does."""
    for order, near in found.items():
        have = best.get(order)
        if have is None or near.score > have.score or (
                near.score == have.score and near.other_order < have.other_order):
            best[order] = near


def _best_of(pairs: Sequence[tuple[int, int, float]], left: Unique, right: Unique
             ) -> dict[int, Near]:
    """Verified pairs (index into left, index into right, score) as Near, per later record."""
    from sftlint.rules.duplicates import text_key

    best: dict[int, Near] = {}
    for a, b, score in pairs:
        (i, earlier), (j, later) = sorted([(left.orders[a], (left, a)),
                                           (right.orders[b], (right, b))])
        near = Near(score, i, *later[0].places[later[1]], text_key(later[0].texts[later[1]]),
                    *earlier[0].places[earlier[1]], text_key(earlier[0].texts[earlier[1]]))
        merge_best(best, {j: near})
    return best


def _threshold(plan: Plan) -> float:
    return _config_threshold(plan.config)


def _near_blocks(plan: Plan, left: Unique, right: Unique, same: bool) -> dict[int, Near]:
    """Every pair of two partitions' texts (or within one) at or above the threshold."""
    from sftlint.dedup import exhaustive_matches, exhaustive_pairs

    threshold = _threshold(plan)
    if same:
        return _best_of(exhaustive_pairs(left.texts, threshold), left, left)
    return _best_of(exhaustive_matches(left.texts, right.texts, threshold), left, right)


def _sketch_part(unique: Unique) -> tuple[list[np.ndarray], Any]:
    """The texts' sketches, and per key a sample of (word 0, word 1, order) of its sorted
    order, from which the driver places the range boundaries."""
    import numpy as np

    from sftlint.dedup import sketch

    sketches = sketch(unique.texts)
    orders = np.array(unique.orders, dtype=np.int64)
    samples = []
    for key in sketches.keys:
        table = np.column_stack([key[:, 0], key[:, 1], orders.astype(np.uint64)]) \
            if len(orders) else np.empty((0, 3), dtype=np.uint64)
        table = table[np.lexsort(table.T[::-1])] if len(table) else table
        step = max(1, len(table) // SAMPLES)
        samples.append(table[::step])
    return samples, sketches


def range_splitters(samples: list[list[np.ndarray]], ranges: int) -> list[np.ndarray]:
    """Per key, `ranges - 1` boundaries (word 0, word 1, order) that split the samples
    evenly: range r holds the entries from boundary r - 1 (inclusive) to boundary r."""
    import numpy as np

    out = []
    for k in range(len(samples[0]) if samples else 0):
        table = np.concatenate([s[k] for s in samples])
        table = table[np.lexsort(table.T[::-1])] if len(table) else table
        picks = [len(table) * r // ranges for r in range(1, ranges)]
        out.append(table[picks] if len(table) else np.zeros((0, 3), dtype=np.uint64))
    return out


class RangeBucket(NamedTuple):
    """What one partition sends to one range of the sorted keys: its records there, and per
    key the (word 0, word 1) keys and record indices that fall in the range."""

    unique: Unique
    histograms: np.ndarray
    lengths: np.ndarray
    keys: list[tuple[np.ndarray, np.ndarray]]  # per key: ((n, 2) words, (n,) record index)


def _scatter(unique: Unique, sketches: Any, splitters: list[np.ndarray]
             ) -> tuple[RangeBucket, ...] | RangeBucket:
    import numpy as np

    ranges = (len(splitters[0]) if splitters else 0) + 1
    orders = np.array(unique.orders, dtype=np.uint64)
    where: list[list[np.ndarray]] = [[] for _ in range(ranges)]
    for k, key in enumerate(sketches.keys):
        bounds = splitters[k]
        # a boundary sorts before an equal entry, which then belongs to the later range
        table = np.concatenate([np.column_stack([bounds, np.zeros(len(bounds), np.uint64)]),
                                np.column_stack([key, orders, np.ones(len(orders), np.uint64)])])
        order = np.lexsort(table.T[::-1])
        is_bound = order < len(bounds)
        rank = np.cumsum(is_bound)[~is_bound]  # boundaries before each entry
        entries = order[~is_bound] - len(bounds)
        index = np.empty(len(orders), dtype=np.int64)
        index[entries] = rank
        for r in range(ranges):
            where[r].append(np.flatnonzero(index == r))
    out = []
    for r in range(ranges):
        members = np.unique(np.concatenate(where[r])) if where[r] else np.empty(0, np.int64)
        local = np.full(len(orders), -1, dtype=np.int64)
        local[members] = np.arange(len(members))
        pick = members.tolist()
        out.append(RangeBucket(
            Unique([unique.orders[i] for i in pick], [unique.places[i] for i in pick],
                   [unique.texts[i] for i in pick]),
            sketches.histograms[members], sketches.lengths[members],
            [(sketches.keys[k][w], local[w]) for k, w in enumerate(where[r])]))
    return tuple(out) if ranges > 1 else out[0]


class Edge(NamedTuple):
    """Per key, a range's size and its first and last NEIGHBOURS entries (record, words):
    what pairs across range boundaries need."""

    sizes: list[int]
    heads: list[list[int]]  # per key, indices into `unique`
    tails: list[list[int]]
    unique: Unique
    histograms: np.ndarray
    lengths: np.ndarray


def _near_range(plan: Plan, *buckets: RangeBucket) -> tuple[dict[int, Near], Edge]:
    """Neighbours in each key's order within one range, verified here; and the range's edges."""
    import numpy as np

    from sftlint.dedup import NEIGHBOURS, neighbour_pairs

    unique = Unique([], [], [])
    offsets = []
    for b in buckets:
        offsets.append(len(unique.orders))
        unique.orders.extend(b.unique.orders)
        unique.places.extend(b.unique.places)
        unique.texts.extend(b.unique.texts)
    histograms = np.concatenate([b.histograms for b in buckets])
    lengths = np.concatenate([b.lengths for b in buckets])
    orders = np.array(unique.orders, dtype=np.int64)
    found: list[np.ndarray] = []
    edge = Edge([], [], [], unique, histograms, lengths)
    for k in range(len(buckets[0].keys) if buckets else 0):
        words = np.concatenate([b.keys[k][0] for b in buckets])
        index = np.concatenate([b.keys[k][1] + off for b, off in zip(buckets, offsets,
                                                                     strict=True)])
        by_order = np.argsort(orders[index], kind="stable")  # ties in the key: earlier first
        words, index = words[by_order], index[by_order]
        if len(index) > 1:
            found += [index[pairs] for pairs in neighbour_pairs(words[None], NEIGHBOURS)]
        ranked = index[np.lexsort(words.T[::-1])]
        edge.sizes.append(len(ranked))
        edge.heads.append(ranked[:NEIGHBOURS].tolist())
        edge.tails.append(ranked[-NEIGHBOURS:].tolist() if len(ranked) else [])
    if not found:
        return {}, edge
    pairs = verified(np.concatenate(found), unique.texts, histograms, lengths, _threshold(plan))
    return _best_of(pairs, unique, unique), edge


def near_across_ranges(edges: list[Edge], config: Config, neighbours: int
                       ) -> dict[int, Near]:
    """Pairs of neighbours in a key's order that fall in different ranges, verified here
    (a few per range and key)."""
    import numpy as np

    if not edges:
        return {}
    unique = Unique([], [], [])
    offsets, candidates = [], []
    for e in edges:
        offsets.append(len(unique.orders))
        unique.orders.extend(e.unique.orders)
        unique.places.extend(e.unique.places)
        unique.texts.extend(e.unique.texts)
    for k in range(len(edges[0].sizes)):
        # (global position in the key's order, range, record) of the entries at range edges
        kept: list[tuple[int, int, int]] = []
        position = 0
        for r, (e, off) in enumerate(zip(edges, offsets, strict=True)):
            size = e.sizes[k]
            for n, i in enumerate(e.heads[k]):
                kept.append((position + n, r, off + i))
            for n, i in enumerate(e.tails[k]):
                kept.append((position + size - len(e.tails[k]) + n, r, off + i))
            position += size
        kept = sorted(set(kept))
        places = [p for p, _, _ in kept]
        for a, (p, r, i) in enumerate(kept):
            for b in range(a + 1, bisect.bisect_right(places, p + neighbours)):
                if kept[b][1] != r and kept[b][0] != p:
                    candidates.append((i, kept[b][2]))
    if not candidates:
        return {}
    histograms = np.concatenate([e.histograms for e in edges])
    lengths = np.concatenate([e.lengths for e in edges])
    pairs = verified(np.array(candidates, dtype=np.int64), unique.texts, histograms, lengths,
                     _config_threshold(config))
    return _best_of(pairs, unique, unique)


def verified(candidates: np.ndarray, texts: Sequence[str], histograms: np.ndarray,
             lengths: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """The candidate pairs (i, j) of `texts` at or above `threshold`, with their score: the
    local search's exact filter and rapidfuzz verification."""
    import numpy as np

    from sftlint.dedup import Sketches, promising, verify

    candidates = candidates[candidates[:, 0] != candidates[:, 1]]
    candidates = np.sort(candidates, axis=1)
    sketches = Sketches(np.empty(0), histograms, lengths)
    return verify(promising([candidates], sketches, sketches, threshold), texts, texts,
                  threshold)


def _config_threshold(config: Config) -> float:
    from sftlint.registry import rule_by_key

    rule_class = rule_by_key("D002")
    assert rule_class is not None
    return float(instantiate([rule_class], config)[0].options.threshold)  # type: ignore
