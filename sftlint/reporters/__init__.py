"""Reporters turn findings into output. Each is one module behind one small interface."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from sftlint.findings import Finding

if TYPE_CHECKING:
    from sftlint.config import Config


@dataclass
class Summary:
    files: int
    records: int
    findings: list[Finding]
    paths: list[str] = field(default_factory=list)  # every file checked
    fixed: int = 0
    hidden_by_baseline: int = 0
    excepted: int = 0  # hidden by reviewed exceptions
    config: Config | None = None  # the check's (the HTML report reads rule options in it)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity.value == "error")

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors


class Reporter:
    """start() once, file() for each file with findings (sorted), finish() once."""

    def __init__(self, out: TextIO, color: bool = False) -> None:
        self.out = out
        self.color = color

    def start(self) -> None:
        pass

    def file(self, path: str, findings: list[Finding]) -> None:
        pass

    def finish(self, summary: Summary) -> None:
        pass


def emit(reporter: Reporter, summary: Summary) -> None:
    """Drive a reporter through the summary's findings (already sorted), file by file."""
    reporter.start()
    by_path: dict[str, list[Finding]] = {}
    for f in summary.findings:
        by_path.setdefault(f.path, []).append(f)
    for path, findings in by_path.items():
        reporter.file(path, findings)
    reporter.finish(summary)


def get_reporter(name: str, out: TextIO, color: bool = False) -> Reporter:
    from importlib import import_module

    module = import_module(f"sftlint.reporters.{REPORTERS[name]}")
    reporter: Reporter = module.REPORTER(out, color)
    return reporter


REPORTERS = {"text": "text", "json": "json_report", "github": "github", "sarif": "sarif",
             "junit": "junit", "html": "html"}
