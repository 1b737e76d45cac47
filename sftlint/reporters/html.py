"""`--format html`: the findings section of the stats report as one self-contained page
(no scripts, no network), for CI to attach as an artifact."""

from __future__ import annotations

from sftlint.findings import Finding
from sftlint.reporters import Reporter, Summary


class HtmlReporter(Reporter):
    def start(self) -> None:
        self.findings: list[Finding] = []

    def file(self, path: str, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    def finish(self, summary: Summary) -> None:
        from sftlint.config import load_config
        from sftlint.stats import finding_examples
        from sftlint.stats_html import render_findings_html

        config = summary.config
        if config is None:  # the API passes the check's config
            config, _ = load_config(None)
        rules = finding_examples(self.findings, config)
        title = ", ".join(summary.paths[:3]) + (" …" if len(summary.paths) > 3 else "")
        self.out.write(render_findings_html(rules, title or "no files", summary.files,
                                            summary.records))


REPORTER = HtmlReporter
