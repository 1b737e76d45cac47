"""`--format json`: one JSON array of findings (the fields are a public contract)."""

from __future__ import annotations

import json

from sftlint.findings import Finding
from sftlint.reporters import Reporter, Summary


class JsonReporter(Reporter):
    def start(self) -> None:
        self.items: list[dict[str, object]] = []

    def file(self, path: str, findings: list[Finding]) -> None:
        self.items.extend(f.to_dict() for f in findings)

    def finish(self, summary: Summary) -> None:
        json.dump(self.items, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")


REPORTER = JsonReporter
