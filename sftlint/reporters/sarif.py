"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from sftlint import __version__
from sftlint.findings import Finding
from sftlint.registry import all_rules
from sftlint.reporters import Reporter, Summary, printable

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning"}


def artifact_uri(path: str) -> str:
    """A finding's path as SARIF's URI reference (§3.10): percent-encoded, so a space, a
    "%" or a Chinese file name stays one valid URI and "a:b.jsonl" is no URI scheme; an
    absolute path (outside the project) a file: URI. A file name's bytes that are not UTF-8
    are percent-encoded as they are (%FF), so the URI still names the file. Only Windows
    separates with a backslash; on POSIX it is part of a name, and quote keeps it as %5C."""
    posix = os.fsencode(path.replace(os.sep, "/"))
    if os.path.isabs(path):
        return "file://" + quote(posix if posix.startswith(b"/") else b"/" + posix)
    return quote(posix)
def sarif_log(findings: list[Finding]) -> dict[str, object]:
    rules = list(all_rules())
    index = {r.code: i for i, r in enumerate(rules)}
    descriptors = [{
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary()},
        "fullDescription": {"text": r.summary()},
        "help": {"text": r.doc(), "markdown": r.doc()},
        "defaultConfiguration": {"level": LEVEL[r.severity.value]},
        "properties": {"scope": r.scope.value, "fixable": r.fixable},
    } for r in rules]
    results = []
    for f in findings:
        location: dict[str, object] = {"artifactLocation": {"uri": artifact_uri(f.path)}}
        if f.line is not None:
            region: dict[str, int] = {"startLine": f.line}
            if f.column is not None:
                region["startColumn"] = f.column
                if f.length:
                    region["endColumn"] = f.column + f.length
            location["region"] = region
        result: dict[str, object] = {
            "ruleId": f.code,
            "level": LEVEL[f.severity.value],
            "message": {"text": printable(f.message)},
            "locations": [{"physicalLocation": location}],
        }
        if f.code in index:
            result["ruleIndex"] = index[f.code]
        if f.record_key:
            result["partialFingerprints"] = {"sftlintRecord/v1": f"{f.code}:{f.record_key}"}
        if f.pointer:
            result["properties"] = {"pointer": f.pointer}
        results.append(result)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "sftlint", "version": __version__,
                                "informationUri": "https://github.com/sftlint/sftlint",
                                "rules": descriptors}},
            "results": results,
            "columnKind": "unicodeCodePoints",  # columns count characters, not UTF-16 units
        }],
    }


class SarifReporter(Reporter):
    def start(self) -> None:
        self.findings: list[Finding] = []

    def file(self, path: str, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    def finish(self, summary: Summary) -> None:
        json.dump(sarif_log(self.findings), self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")


REPORTER = SarifReporter
