"""`--format github`: GitHub Actions workflow commands, most important first.

GitHub shows at most 10 annotations of each level per step (50 per job) and drops the
rest silently, so errors come before warnings and, within a level, one finding of each
rule comes before the second of any. A table of every finding by code goes to
$GITHUB_STEP_SUMMARY when it is set.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict

from sftlint.findings import Finding
from sftlint.reporters import Reporter, Summary, printable
from sftlint.reporters.text import summary_line


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_order(findings: list[Finding]) -> list[Finding]:
    """Errors first; within a level, round-robin over rule codes (rarest code first)."""
    ordered: list[Finding] = []
    for level in ("error", "warning"):
        by_code: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            if f.severity.value == level:
                by_code[f.code].append(f)
        queues = sorted(by_code.values(), key=lambda q: (len(q), q[0].code))
        depth = 0
        while any(depth < len(q) for q in queues):
            ordered.extend(q[depth] for q in queues if depth < len(q))
            depth += 1
    return ordered


def command(f: Finding) -> str:
    props = [f"file={escape_property(printable(f.path))}"]
    if f.line is not None:
        props.append(f"line={f.line}")
        if f.column is not None:
            props.append(f"col={f.column}")
    props.append(f"title={escape_property(f'{f.code} {f.name}')}")
    return f"::{f.severity.value} {','.join(props)}::{escape_data(printable(f.message))}"


def step_summary(summary: Summary) -> str:
    counts = Counter((f.code, f.name, f.severity.value) for f in summary.findings)
    lines = ["## sftlint", "", summary_line(summary), ""]
    if counts:
        lines += ["| code | name | severity | count |", "|---|---|---|---|"]
        for (code, name, severity), n in sorted(counts.items()):
            lines.append(f"| {code} | {name} | {severity} | {n} |")
    return "\n".join(lines) + "\n"


class GithubReporter(Reporter):
    def start(self) -> None:
        self.findings: list[Finding] = []

    def file(self, path: str, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    def finish(self, summary: Summary) -> None:
        for f in annotation_order(self.findings):
            self.out.write(command(f) + "\n")
        self.out.write(summary_line(summary) + "\n")
        target = os.environ.get("GITHUB_STEP_SUMMARY")
        if target:
            with open(target, "a", encoding="utf-8") as out:
                out.write(step_summary(summary))


REPORTER = GithubReporter
