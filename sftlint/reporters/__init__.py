"""Reporters turn findings into output. Each is one module behind one small interface."""

from __future__ import annotations

import re
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

    def __str__(self) -> str:  # the line `sftlint check` ends with
        from sftlint.reporters.text import summary_line

        return summary_line(self)

    def __repr__(self) -> str:  # not every finding and the whole config, in a notebook
        return (f"Summary(files={self.files}, records={self.records}, errors={self.errors}, "
                f"warnings={self.warnings})")


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


# Characters that are not what they show: bidirectional overrides and isolates (they
# reorder what a reader sees), the line and paragraph separators (Unicode's newlines:
# str.splitlines and editors split a finding's line at them), and U+FFFE/U+FFFF (not
# characters in XML). Every report, the HTML page too, writes them as \u escapes.
DECEPTIVE = (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029, 0xFFFE, 0xFFFF)
# What a report must not print as it is: control characters (a terminal runs an ESC
# sequence, XML 1.0 cannot hold most of them, a newline would split a finding's line),
# the surrogates that stand for a file name's bytes that are not UTF-8, and DECEPTIVE.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(map(chr, DECEPTIVE))
                          + "]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return _NAMED_ESCAPES.get(char, f"\\x{code:02x}")
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with what a report must not print as it is written as an escape (\\x1b,
    \\n, \\u202e; \\xff for a file name's byte that is not UTF-8)."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape, text)


def get_reporter(name: str, out: TextIO, color: bool = False) -> Reporter:
    from importlib import import_module

    module = import_module(f"sftlint.reporters.{REPORTERS[name]}")
    reporter: Reporter = module.REPORTER(out, color)
    return reporter


REPORTERS = {"text": "text", "json": "json_report", "github": "github", "sarif": "sarif",
             "junit": "junit", "html": "html"}
