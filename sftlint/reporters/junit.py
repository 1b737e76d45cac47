"""`--format junit`: JUnit XML, one testcase per file checked, a failure per error finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from sftlint.findings import Finding
from sftlint.reporters import Reporter, Summary, printable
from sftlint.reporters.text import location


class JunitReporter(Reporter):
    def start(self) -> None:
        self.by_path: dict[str, list[Finding]] = defaultdict(list)

    def file(self, path: str, findings: list[Finding]) -> None:
        self.by_path[path].extend(findings)

    def finish(self, summary: Summary) -> None:
        paths = list(dict.fromkeys([*summary.paths, *self.by_path]))
        errors = [f for fs in self.by_path.values() for f in fs if f.severity.value == "error"]
        suites = ET.Element("testsuites", name="sftlint", tests=str(len(paths)),
                            failures=str(len(errors)))
        suite = ET.SubElement(suites, "testsuite", name="sftlint", tests=str(len(paths)),
                              failures=str(len(errors)), errors="0", skipped="0")
        for path in paths:
            shown = printable(path)
            case = ET.SubElement(suite, "testcase", classname="sftlint", name=shown, file=shown)
            warnings = []
            for f in self.by_path.get(path, []):
                if f.severity.value == "error":
                    failure = ET.SubElement(case, "failure", type=f.code,
                                            message=f"{f.code} {printable(f.message)}")
                    failure.text = f"{location(f)}: {f.code} {printable(f.message)}"
                else:
                    warnings.append(f"{location(f)}: {f.code} {printable(f.message)}")
            if warnings:
                ET.SubElement(case, "system-out").text = "\n".join(warnings)
        ET.indent(suites)
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(ET.tostring(suites, encoding="unicode") + "\n")


REPORTER = JunitReporter
