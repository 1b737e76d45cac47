"""C rules: tool declarations, the assistant's tool calls and the results that answer them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sftlint.findings import Finding
from sftlint.records import Record, ToolCall, ToolDecl, turn_pointer
from sftlint.rule import RecordRule


class ToolArgumentsInvalid(RecordRule):
    """A tool call's arguments are not valid JSON, or not an object.

    ## What it does
    Parses every tool call's `arguments` (OpenAI `tool_calls`, sharegpt `function_call`
    turns, LLaMA-Factory `tool_call` content parts) and flags those that are not valid
    JSON, or are JSON but not an object.

    ## Why it matters for training
    The model learns to emit exactly what it is trained on: a truncated or single-quoted
    argument string teaches it to produce calls that no tool runtime can parse.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\""}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```
    """

    code = "C001"
    name = "tool-arguments-invalid"

    def check(self, record: Record) -> Iterator[Finding]:
        for _, call in record.calls():
            if call.error is not None:
                label = f'call to "{call.name}"' if call.name else "tool call"
                yield self.at(record, call.arguments_pointer, f"{label}: {call.error}")


class ToolCallUnanswered(RecordRule):
    """A tool call with no tool result after it, or a tool result that answers no call.

    ## What it does
    Pairs every tool call with the tool result (role `tool`, sharegpt `observation`) that
    answers it: by id where the data has ids (`tool_calls[].id` and `tool_call_id`), by
    order where it has none (the results after an assistant turn answer its calls; one
    result may answer all of them, as in LLaMA-Factory's sharegpt format). Calls in the
    conversation's last turn are what the sample teaches the model to emit, so they need
    no result.

    ## Why it matters for training
    A call without a result trains the model to go on as if it had seen one (inventing
    it); a result without a call is text from nowhere, and chat templates that look up
    the call's id render it wrongly or fail.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```
    """

    code = "C002"
    name = "tool-call-unanswered"

    def check(self, record: Record) -> Iterator[Finding]:
        msgs = record.messages
        if not any(m.role == "tool" or m.tool_calls for m in msgs):
            return
        has_ids = any(m.tool_call_id is not None for m in msgs) or any(
            call.id is not None for _, call in record.calls())
        yield from (self._by_id(record) if has_ids else self._by_order(record))

    def _by_id(self, record: Record) -> Iterator[Finding]:
        msgs = record.messages
        open_calls: dict[str, tuple[int, ToolCall]] = {}
        answered: set[str] = set()
        for i, m in enumerate(msgs):
            if m.tool_calls:
                for call in m.tool_calls:
                    if call.id is not None:
                        open_calls[call.id] = (i, call)
                    elif i != len(msgs) - 1:
                        yield self.at(record, call.pointer, f"{_label(call)} has no id, while "
                                      "the results in this conversation answer calls by id")
            elif m.role == "tool":
                if m.tool_call_id is None:
                    yield self.at(record, turn_pointer(m, record.shape),
                                  'tool result has no "tool_call_id": it answers no call')
                elif m.tool_call_id not in open_calls:
                    again = " again" if m.tool_call_id in answered else ""
                    yield self.at(record, turn_pointer(m, record.shape),
                                  f'tool result answers no earlier call{again} (tool_call_id '
                                  f'"{m.tool_call_id}")')
                else:
                    del open_calls[m.tool_call_id]
                    answered.add(m.tool_call_id)
        for ident, (i, call) in open_calls.items():
            if i != len(msgs) - 1:
                yield self.at(record, call.pointer,
                              f'{_label(call)} (id "{ident}") has no tool result')

    def _by_order(self, record: Record) -> Iterator[Finding]:
        msgs = record.messages
        calls: list[ToolCall] = []  # the open assistant turn's calls
        results = 0
        last = len(msgs) - 1
        for i, m in enumerate(msgs):
            if m.role == "tool":
                if not calls:
                    yield self.at(record, turn_pointer(m, record.shape),
                                  "tool result answers no call (no tool call before it)")
                    continue
                results += 1
                if results > len(calls):
                    yield self.at(record, turn_pointer(m, record.shape),
                                  f"tool result answers no call ({results} results for "
                                  f"{len(calls)} call(s))")
                continue
            yield from self._close(record, calls, results)
            calls, results = [], 0
            if m.tool_calls and i != last:
                calls = list(m.tool_calls)
        yield from self._close(record, calls, results)

    def _close(self, record: Record, calls: list[ToolCall], results: int) -> Iterator[Finding]:
        if calls and (results == 0 or 1 < results < len(calls)):
            call = calls[results]
            yield self.at(record, call.pointer, f"{_label(call)} has no tool result after it")


def _label(call: ToolCall) -> str:
    return f'call to "{call.name}"' if call.name else "tool call"


class UndeclaredTool(RecordRule):
    """A call to a function that the record's `tools` do not declare.

    ## What it does
    Compares the name of every tool call with the functions declared in the record's
    `tools` (or `functions`), and flags calls to any other name, and calls in a record
    that declares no tools at all.

    ## Why it matters for training
    At inference the model sees only the declared tools; trained to call functions it was
    never shown, it learns to invent function names.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "weather_lookup", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```
    """

    code = "C003"
    name = "undeclared-tool"

    def check(self, record: Record) -> Iterator[Finding]:
        tools = record.tools
        if tools is not None and tools.problem is not None:
            return  # C005: the declarations cannot be read
        for _, call in record.calls():
            if call.error is not None and call.name is None:
                continue  # C001: the call cannot be read
            if call.name is None:
                yield self.at(record, call.pointer, "tool call names no function")
            elif tools is None or not tools.declarations:
                yield self.at(record, call.pointer, f"{_label(call)}, but the record declares "
                                                    "no tools")
            elif tools.find(call.name) is None:
                names = ", ".join(d.name for d in tools.declarations if d.name)
                yield self.at(record, call.pointer,
                              f"{_label(call)}, which tools do not declare (declared: "
                              f"{names or 'none'})")


class ToolArgumentsSchema(RecordRule):
    """Arguments that violate the declared `parameters` JSON Schema.

    ## What it does
    Validates every call's arguments (when they are a JSON object) against the
    `parameters` JSON Schema of the function it calls, with jsonschema: missing required
    keys, wrong types, values outside an `enum`. Declarations that are not valid JSON
    Schema are left to C005. A schema comes from the data, so it is not trusted: a `$ref`
    outside it is never fetched, a `$ref` to nowhere or to itself without end is reported
    ("cannot be checked against its parameters"), and a validation that runs past 1 s (a
    `pattern` such as `^(a+)+$` that backtracks without end) is given up and reported.

    ## Why it matters for training
    The model copies the arguments it is trained on; a call that misses a required key or
    passes a number as text fails at the tool every time the model repeats it.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"town\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```
    """

    code = "C004"
    name = "tool-arguments-schema"

    def check(self, record: Record) -> Iterator[Finding]:
        tools = record.tools
        if tools is None or not tools.declarations:
            return
        for _, call in record.calls():
            if call.error is not None:
                continue
            decl = tools.find(call.name)
            if decl is None or decl.problem is not None or not isinstance(decl.parameters,
                                                                          dict):
                continue
            error = schema_violation(decl.parameters, call.arguments)
            if error is not None:
                yield self.at(record, call.arguments_pointer,
                              f'arguments of "{call.name}" {error}')


# (schema, arguments) pairs whose validation ran past the budget, as JSON text
_GIVEN_UP: set[str] = set()


def schema_violation(schema: dict[str, Any], instance: Any) -> str | None:
    """What is wrong with `instance` by `schema`, as the rest of a sentence about the
    arguments ("violate its parameters: …"), or None (also for a schema that is not valid
    JSON Schema, which C005 reports)."""
    import jsonschema  # only records with tools pay for it

    from sftlint.json_schema import BUDGET_SECONDS, SchemaTimeout, violations

    if schema_problem(schema) is not None:
        return None
    given_up = (f"took over {BUDGET_SECONDS:g} s of CPU to check against its parameters, "
                "given up (a `pattern` that backtracks without end?)")
    if _GIVEN_UP and _pair_text(schema, instance) in _GIVEN_UP:  # a copied record must
        return given_up  # not cost the budget again
    try:
        error = jsonschema.exceptions.best_match(violations(schema, instance))
    except ValueError as exc:  # valid, but it fails when used: a $ref to nowhere
        return f"cannot be checked against its parameters: {exc}"
    except SchemaTimeout:
        pair = _pair_text(schema, instance)
        if pair is not None and len(_GIVEN_UP) < 1024:
            _GIVEN_UP.add(pair)
        return given_up
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return f"violate its parameters: {error.message}" + (f" (at /{where})" if where else "")


def _pair_text(schema: dict[str, Any], instance: Any) -> str | None:
    try:
        return json.dumps([schema, instance], sort_keys=True)
    except (RecursionError, TypeError, ValueError):
        return None


@lru_cache(maxsize=256)
def _schema_problem_of(text: str) -> str | None:
    from sftlint.json_schema import schema_error

    schema = json.loads(text)
    problem = schema_error(schema)
    if problem is not None:
        return f"parameters are not a valid JSON Schema: {problem}"
    kind = schema.get("type")
    if kind is not None and kind != "object":
        return f'parameters have "type" {kind!r}, not "object" (arguments are an object)'
    return None


def schema_problem(schema: dict[str, Any]) -> str | None:
    """Why `schema` is not a valid JSON Schema for function parameters, or None. Kept per
    schema text (its keys as written, so the error named is the first written): a dataset
    repeats the same few declarations in every record."""
    try:
        text = json.dumps(schema)
    except (RecursionError, TypeError, ValueError):
        return "parameters are not a valid JSON Schema: nested too deeply, or not JSON values"
    return _schema_problem_of(text)


class ToolsMalformed(RecordRule):
    """`tools` is not a list of function declarations.

    ## What it does
    Checks the record's `tools` (a list, or a JSON string holding one, as in sharegpt):
    each declaration (OpenAI's `{"type": "function", "function": {...}}` or the bare
    object) needs a `name`, a string `description`, and `parameters` that are a valid JSON
    Schema of type `object` (checked with jsonschema). Reported once per record, naming the
    first bad declaration and how many there are.

    ## Why it matters for training
    The declarations are rendered into the prompt the model learns from; a tools string
    that does not parse renders as garbage or crashes the template, and parameters in a
    made-up schema dialect (`"type": "dict"`) teach the model a format no runtime sends.

    ## Example
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "dict", "properties": {"city": {"type": "str"}}}}}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "system", "content": "你是一位耐心的陪伴者。"}, {"role": "user", "content": "明天北京天气怎么样？"}, {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"北京\\"}"}}]}, {"role": "tool", "tool_call_id": "call_1", "content": "晴，二十度"}, {"role": "assistant", "content": "明天北京是晴天，二十度左右。"}], "tools": [{"type": "function", "function": {"name": "get_weather", "description": "查询城市天气", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
    ```
    """

    code = "C005"
    name = "tools-malformed"

    def check(self, record: Record) -> Iterator[Finding]:
        tools = record.tools
        if tools is None:
            return
        if tools.problem is not None:
            yield self.at(record, tools.pointer, tools.problem)
            return
        bad = [(d, p) for d in tools.declarations if (p := self._problem(d)) is not None]
        if bad:
            decl, problem = bad[0]
            more = f" (and {len(bad) - 1} more declaration(s))" if len(bad) > 1 else ""
            yield self.at(record, decl.pointer, problem + more)

    @staticmethod
    def _problem(decl: ToolDecl) -> str | None:
        if decl.problem is not None:
            return decl.problem
        if not isinstance(decl.parameters, dict):
            return None  # no parameters: a function without arguments
        problem = schema_problem(decl.parameters)
        return f'tool "{decl.name}": {problem}' if problem else None

