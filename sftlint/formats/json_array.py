"""One JSON document holding an array of records (`.json`), read in linear time; text
(file rules, columns) and fixable, but not split (an element may span any bytes)."""

from __future__ import annotations

from sftlint.formats.jsonl import JSON_LINES, Data, JsonText
from sftlint.reader import RawRecord, SourceFacts, first_line_is_record, read_json_document


class JsonArray(JsonText):
    name = "json-array"

    def read_bytes(self, display: str, data: Data, accept_lists: bool
                   ) -> tuple[SourceFacts, list[RawRecord]]:
        """The document's records; a `.json` that does not parse as one document but whose
        first line is a record holds JSON Lines, and is read as such."""
        facts, records = read_json_document(display, data, accept_lists)
        if facts.json_errors and first_line_is_record(data):
            return JSON_LINES.read_bytes(display, data, accept_lists)
        return facts, records


JSON_ARRAY = JsonArray()
