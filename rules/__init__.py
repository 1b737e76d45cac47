"""The built-in rules, registered explicitly. Third-party packs use the `sftlint.rules`
entry-point group."""

from sftlint.rule import Rule
from sftlint.rules.assistant_replies import ChecklistReply, DegenerateRepetition, ReplyLength
from sftlint.rules.categories import (
    CategoryImbalance,
    MissingCategory,
    RecordCount,
    UnknownCategory,
)
from sftlint.rules.content_hygiene import UnfilledPlaceholder, UntrimmedContent
from sftlint.rules.control_tokens import ControlTokenInContent
from sftlint.rules.duplicates import ExactDuplicate, NearDuplicate, ReusedReply
from sftlint.rules.file_format import (
    BlankLine,
    CrlfLineEnding,
    DuplicateKey,
    InvalidJson,
    InvalidUtf8,
    MissingFinalNewline,
    NotAnObject,
    NotJsonLines,
    Utf8Bom,
)
from sftlint.rules.imperative_reply import ImperativeReply
from sftlint.rules.language_mismatch import LanguageMismatch
from sftlint.rules.media import MediaCountMismatch, MediaMissing, MediaUnreadable
from sftlint.rules.pii import PiiEmail, PiiNationalId, PiiPaymentCard, PiiPhone
from sftlint.rules.preference_pairs import (
    IdenticalPair,
    KtoLabelInvalid,
    NearIdenticalPair,
    PairPromptMismatch,
    PairSideMissing,
)
from sftlint.rules.reasoning import EmptyReasoning, ReasoningInconsistent, ReasoningMalformed
from sftlint.rules.record_schema import SchemaViolation
from sftlint.rules.split_leakage import SplitLeakage
from sftlint.rules.structure import (
    EmptyContent,
    MalformedMessage,
    MissingMessages,
    NoAssistantReply,
    RoleOrder,
    UnexpectedKey,
    UnknownRole,
)
from sftlint.rules.system_prompt import (
    SystemPromptDrift,
    SystemPromptInconsistent,
    SystemPromptMismatch,
)
from sftlint.rules.token_length import (
    EndOfTurnTruncated,
    ExceedsMaxLength,
    NoTrainableTokens,
    PairIdenticalAfterTruncation,
    ReasoningDroppedByTemplate,
    TemplateInjectedSystem,
)
from sftlint.rules.tool_calls import (
    ToolArgumentsInvalid,
    ToolArgumentsSchema,
    ToolCallUnanswered,
    ToolsMalformed,
    UndeclaredTool,
)
from sftlint.rules.user_turns import FormalUserTurn, UserTooLong, UserTooShort

RULES: tuple[type[Rule], ...] = (
    Utf8Bom, MissingFinalNewline, InvalidUtf8, CrlfLineEnding, BlankLine, InvalidJson,
    DuplicateKey, NotAnObject, NotJsonLines,
    MissingMessages, MalformedMessage, UnknownRole, RoleOrder, EmptyContent, UnexpectedKey,
    NoAssistantReply, UnfilledPlaceholder, UntrimmedContent, SchemaViolation, ControlTokenInContent,
    SystemPromptMismatch, SystemPromptInconsistent, SystemPromptDrift,
    UserTooLong, UserTooShort, FormalUserTurn,
    ImperativeReply, ChecklistReply, ReplyLength, DegenerateRepetition, LanguageMismatch,
    ExactDuplicate, NearDuplicate, ReusedReply, SplitLeakage,
    CategoryImbalance, MissingCategory, UnknownCategory, RecordCount,
    ExceedsMaxLength, NoTrainableTokens, TemplateInjectedSystem, EndOfTurnTruncated,
    PiiEmail, PiiPhone, PiiNationalId, PiiPaymentCard,
    ToolArgumentsInvalid, ToolCallUnanswered, UndeclaredTool, ToolArgumentsSchema, ToolsMalformed,
    ReasoningMalformed, ReasoningInconsistent, ReasoningDroppedByTemplate, EmptyReasoning,
    IdenticalPair, NearIdenticalPair, PairPromptMismatch, PairSideMissing, KtoLabelInvalid,
    PairIdenticalAfterTruncation,
    MediaCountMismatch, MediaMissing, MediaUnreadable,
)
