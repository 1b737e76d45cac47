"""One JSON document holding an array of records (`.json`), read in linear time; text
(file rules, columns) and fixable, but not split (an element may span any bytes)."""

from __future__ import annotations

from sftlint.formats.jsonl import JsonText


class JsonArray(JsonText):
    name = "json-array"


JSON_ARRAY = JsonArray()
