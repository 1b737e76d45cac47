"""Raw JSON values -> records: the one place that knows the configured shape (`format`,
`[mapping]`) and where a record's category is (`[categories] field`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sftlint.records import BUILTIN_SHAPES, Record, Shape, detect_shape, mapping_shape, normalize

if TYPE_CHECKING:
    from sftlint.config import Config
    from sftlint.reader import RawRecord


class RecordBuilder:
    """Builds the normalized records of one check from raw values, file by file."""

    def __init__(self, config: Config) -> None:
        categories = config.categories
        self.category_field = categories.field if categories else None
        mapping = config.mapping
        self.fixed_shape: Shape | None = None
        if mapping is not None:
            self.fixed_shape = mapping_shape(mapping.messages, mapping.role, mapping.content,
                                             {str(k): v for k, v in mapping.roles.items()})
        elif config.format != "auto":
            self.fixed_shape = BUILTIN_SHAPES[config.format]
        # `[mapping] messages = ""`: a record may be a bare list of messages
        self.accept_lists = mapping is not None and mapping.messages == ""

    def shape_for(self, first: object) -> Shape:
        """The shape of a file whose first record's value is `first` (None: no record)."""
        return self.fixed_shape or detect_shape(first)

    def build(self, raw: RawRecord, path: str, shape: Shape) -> Record:
        return normalize(raw, path, shape, self.category_field)
