"""`--format json`: one JSON array of findings (the fields are a public contract)."""

from __future__ import annotations

import json

from sftlint.findings import Finding
from sftlint.reporters import Reporter, Summary, printable


class JsonReporter(Reporter):
    def start(self) -> None:
        self.items: list[dict[str, object]] = []

    def file(self, path: str, findings: list[Finding]) -> None:
        for f in findings:
            item = f.to_dict()
            item["path"], item["message"] = printable(f.path), printable(f.message)
            self.items.append(item)

    def finish(self, summary: Summary) -> None:
        json.dump(self.items, self.out, ensure_ascii=False, indent=2)
        self.out.write("\n")


REPORTER = JsonReporter
