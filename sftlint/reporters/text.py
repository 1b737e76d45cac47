"""Human output, as ruff prints it: `path:line:col: CODE message`."""

from __future__ import annotations

from collections import Counter

import click

from sftlint.findings import Finding
from sftlint.reporters import Reporter, Summary, printable


def location(f: Finding) -> str:
    parts = [printable(f.path)]
    if f.line is not None:
        parts.append(str(f.line))
        if f.column is not None:
            parts.append(str(f.column))
    return ":".join(parts)


# A file whose every record has one problem (an unknown shape: S001 on 10,722 lines) says
# so this many times, then once how many more; the other formats list every finding.
SAME_SHOWN = 20


class TextReporter(Reporter):
    def file(self, path: str, findings: list[Finding]) -> None:
        seen: Counter[tuple[str, str]] = Counter()
        for f in findings:
            seen[f.code, f.message] += 1
            if seen[f.code, f.message] > SAME_SHOWN:
                continue
            color = "red" if f.severity.value == "error" else "yellow"
            code = click.style(f.code, fg=color, bold=True) if self.color else f.code
            loc = click.style(location(f), bold=True) if self.color else location(f)
            fix = " [*]" if f.fixable else ""
            self.out.write(f"{loc}: {code}{fix} {printable(f.message)}\n")
        for (code, message), count in seen.items():
            if count > SAME_SHOWN:
                said = message if len(message) <= 40 else message[:40] + "…"
                self.out.write(f"{printable(path)}: {code} ... and {count - SAME_SHOWN} more "
                               f"with the message {printable(said)!r} (`--format json` lists "
                               "every one)\n")

    def finish(self, summary: Summary) -> None:
        self.out.write(summary_line(summary) + "\n")


def summary_line(summary: Summary) -> str:
    scope = f"{summary.files} file(s), {summary.records} record(s)"
    parts = []
    if summary.fixed:
        parts.append(f"Fixed {summary.fixed} finding(s).")
    if summary.hidden_by_baseline:
        parts.append(f"{summary.hidden_by_baseline} known finding(s) hidden by the baseline.")
    if summary.excepted:
        parts.append(f"{summary.excepted} finding(s) accepted by reviewed exceptions.")
    if not summary.findings:
        parts.append(f"All checks passed ({scope}).")
        return " ".join(parts)
    fixable = sum(1 for f in summary.findings if f.fixable)
    hint = f" {fixable} fixable with `sftlint check --fix` ([*])." if fixable else ""
    parts.append(f"Found {summary.errors} error(s) and {summary.warnings} warning(s) in "
                 f"{scope}.{hint}")
    return " ".join(parts)


def statistics_table(findings: list[Finding]) -> str:
    counts = Counter(f.code for f in findings)
    names = {f.code: (f.name, f.fixable) for f in findings}
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        name, fixable = names[code]
        lines.append(f"{n:>{width}}\t{code}\t{'[*]' if fixable else '[ ]'} {name}")
    return "\n".join(lines)


REPORTER = TextReporter
