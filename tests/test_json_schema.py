"""sftlint/json_schema.py: jsonschema on schemas from the data, bounded and contained."""

from __future__ import annotations

import signal

import pytest

from sftlint.json_schema import SchemaTimeout, schema_error, violations

SLOW = {"type": "string", "pattern": "^(a+)+$"}


def test_a_backtracking_pattern_is_given_up_and_the_timer_is_left_as_found() -> None:
    before = signal.getsignal(signal.SIGVTALRM)
    with pytest.raises(SchemaTimeout):
        violations(SLOW, "a" * 40 + "!")
    assert signal.getsignal(signal.SIGVTALRM) == before
    assert signal.getitimer(signal.ITIMER_VIRTUAL) == (0.0, 0.0)
    assert violations(SLOW, "aaa") == []  # the same schema on a short value is checked
    assert [e.message for e in violations({"type": "integer"}, "x")] == \
        ["'x' is not of type 'integer'"]


def test_a_timer_the_program_set_is_not_taken_over() -> None:
    """Where another part of the program handles the CPU timer's signal, validation does
    not replace its handler (it runs unbounded there)."""
    fired: list[int] = []

    def programs_own(*_: object) -> None:
        fired.append(1)

    previous = signal.signal(signal.SIGVTALRM, programs_own)
    try:
        assert [e.message for e in violations({"type": "integer"}, 1.5)] == \
            ["1.5 is not of type 'integer'"]
        assert signal.getsignal(signal.SIGVTALRM) is programs_own
    finally:
        signal.signal(signal.SIGVTALRM, previous)
    assert not fired


@pytest.mark.parametrize(("schema", "words"), [
    ({"$ref": "#/nope"}, "cannot resolve $ref"),
    ({"$ref": "https://example.com/s.json"}, "cannot resolve $ref"),
    ({"properties": {"a": {"$ref": "#"}}, "$ref": "#"}, "refers to itself without end"),
])
def test_a_schema_that_fails_when_used_is_a_message(schema: dict[str, object],
                                                    words: str) -> None:
    with pytest.raises(ValueError, match=words.replace("$", r"\$")):
        violations(schema, {"a": 1})


def test_schema_errors_are_messages() -> None:
    assert schema_error({"type": "object"}) is None
    assert "is not a 'regex'" in (schema_error({"pattern": "("}) or "")
    assert "object or a boolean, not int" in (schema_error(5) or "")


def test_an_instance_nested_past_the_recursion_limit_is_too_deep_not_a_bad_schema() -> None:
    """A valid recursive schema on a record nested 900 deep: the record's nesting, which
    S010 reports on the record (it was a config error that stopped the run)."""
    from sftlint.json_schema import TooDeep

    deep: dict[str, object] = {}
    inner = deep
    for _ in range(900):
        inner["x"] = {}
        inner = inner["x"]  # type: ignore[assignment]
    with pytest.raises(TooDeep, match="nested too deeply"):
        violations({"type": "object", "additionalProperties": {"$ref": "#"}}, deep)



# A schema whose errors jsonschema finds while walking a set of property names (the
# metaschema's additionalProperties), and an instance whose errors it finds the same way.
MANY_BAD = {"type": "object", "properties": {p: {"type": "str"} for p in "hgfedcba"}}
OPEN = {"type": "object", "additionalProperties": {"type": "integer"}}
CHECK_IN_A_FRESH_PROCESS = """
import json, sys
from sftlint.json_schema import schema_error, violations
schema, open_schema = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(schema_error(schema))
print([list(e.absolute_path) for e in violations(open_schema, dict.fromkeys("hgfedcba", "x"))])
"""


def test_errors_come_in_the_order_written_whatever_the_hash_seed() -> None:
    """jsonschema's own order of these errors, and the error check_schema names, changed
    with each process's string hashes: the first bad property named in one run was another
    in the next."""
    import json
    import os
    import subprocess
    import sys

    outputs = {
        subprocess.run([sys.executable, "-c", CHECK_IN_A_FRESH_PROCESS, json.dumps(MANY_BAD),
                        json.dumps(OPEN)], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
        for seed in range(8)}
    assert outputs == {"'str' is not valid under any of the given schemas "
                       "(at /properties/h/type)\n"
                       "[['h'], ['g'], ['f'], ['e'], ['d'], ['c'], ['b'], ['a']]\n"}


def test_errors_about_one_place_keep_the_schemas_order() -> None:
    """Two names missing from one object: said in the order `required` lists them."""
    missing = violations({"type": "object", "required": ["name", "age"]}, {})
    assert [e.message for e in missing] == ["'name' is a required property",
                                           "'age' is a required property"]


def test_c005_names_the_first_bad_parameter_as_written() -> None:
    from sftlint.rules.tool_calls import schema_problem

    problem = schema_problem({"type": "object", "properties": {"zip": {"type": "int"},
                                                                "city": {"type": "str"}}})
    assert problem is not None and problem.endswith("(at /properties/zip/type)")
