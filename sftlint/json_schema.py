"""JSON Schema on schemas sftlint did not write: the tool declarations a record carries (C004,
C005) and the project's `record-schema` (S010).

jsonschema trusts its schema. One from the data may be broken in ways `check_schema` does
not see (a `$ref` to nowhere, a self-reference that recurses without end), and its
`pattern`s run on Python's backtracking regex engine, where `^(a+)+$` against forty a's and
a "!" takes longer than the universe has existed. So validation here refuses to fetch any
`$ref` outside the schema, turns every failure of the library into a message, and stops a
validation that runs past its time budget.

jsonschema walks some keywords (`additionalProperties`) over a set, whose order changes
with each process's hash seed, so the order of its errors, and the one `check_schema` and
`best_match` name, changed from run to run. Errors here come in the order the document was
written.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterable, Iterator
from typing import Any

# CPU seconds one validation of one instance may take before it is given up: a thousand
# times what a real tool schema needs.
BUDGET_SECONDS = 1.0
TOO_DEEP = "nested too deeply, or it refers to itself without end"


class SchemaTimeout(BaseException):
    """Validation ran past BUDGET_SECONDS (a BaseException, so that no `except Exception`
    inside the library swallows it)."""


def validator(schema: Any) -> Any:
    """A jsonschema validator for `schema` that never retrieves a `$ref` outside it
    (a schema in a pull request could otherwise read local files or reach the network).
    Raises what jsonschema raises for a schema it cannot use."""
    import jsonschema
    from referencing import Registry

    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=Registry(retrieve=_refuse_retrieval))  # type: ignore[call-arg]


def schema_error(schema: Any) -> str | None:
    """Why `schema` is not a JSON Schema jsonschema can use, or None."""
    import jsonschema

    if not isinstance(schema, (dict, bool)):
        return f"a JSON Schema is an object or a boolean, not {type(schema).__name__}"
    try:  # what check_schema does, but every error, to name the first one written
        cls = jsonschema.validators.validator_for(schema)
        meta = jsonschema.validators.validator_for(cls.META_SCHEMA, default=cls)
        checker = meta(cls.META_SCHEMA, format_checker=meta.FORMAT_CHECKER)
        errors = in_document_order(checker.iter_errors(schema), schema)
    except Exception as exc:  # noqa: BLE001 - any failure of the library on foreign data
        return _failure(exc)
    if not errors:
        return None
    where = "/".join(str(p) for p in errors[0].absolute_path)
    return errors[0].message + (f" (at /{where})" if where else "")


def violations(schema: Any, instance: Any) -> list[Any]:
    """jsonschema's errors for `instance` by `schema` (see `bounded_errors`)."""
    try:
        checker = validator(schema)
    except Exception as exc:  # noqa: BLE001 - any failure of the library on foreign data
        raise ValueError(_failure(exc)) from None
    return bounded_errors(checker, instance)


def bounded_errors(checker: Any, instance: Any) -> list[Any]:
    """The errors `checker` (a validator) finds in `instance`, within the time budget.
    Raises SchemaTimeout past it, TooDeep where validation recursed past Python's limit,
    and ValueError with a message where the library fails on the schema (a `$ref` to
    nowhere)."""
    try:
        with _budget(BUDGET_SECONDS):
            return in_document_order(checker.iter_errors(instance), instance)
    except RecursionError:
        raise TooDeep(TOO_DEEP) from None
    except Exception as exc:  # noqa: BLE001 - any failure of the library on foreign data
        raise ValueError(_failure(exc)) from None


def in_document_order(errors: Iterable[Any], document: Any) -> list[Any]:
    """jsonschema's `errors` about `document`, in the order of the places they name as the
    document was written (each step of an error's path by its key's place in its object or
    its index in its array): the same order in every process. Errors about one place keep
    jsonschema's order (its schema's keywords, a `required` list's names), which is."""
    places: dict[int, dict[Any, int]] = {}  # an object's keys -> their places, per object

    def place(error: Any) -> list[int]:
        steps, node = [], document
        for step in error.absolute_path:
            if isinstance(node, dict) and step in node:
                if id(node) not in places:
                    places[id(node)] = {key: i for i, key in enumerate(node)}
                steps.append(places[id(node)][step])
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                steps.append(step)
            else:
                break
            node = node[step]
        return steps

    return sorted(errors, key=place)


class TooDeep(ValueError):
    """Validation recursed past Python's limit: the instance nested too deeply, or the
    schema refers to itself without end."""


def _failure(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return TOO_DEEP
    ref = getattr(exc, "ref", None)
    if ref is not None:
        return f'cannot resolve $ref "{str(ref)[:80]}" (only references inside it are followed)'
    return f"jsonschema cannot use it ({type(exc).__name__}: {str(exc)[:120]})"


@contextlib.contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Raise SchemaTimeout in the block after `seconds` of this process's CPU time (not
    wall time: a loaded machine must not turn a valid check into a finding), by a timer
    signal: Python's regex engine checks for signals as it backtracks. Only the main
    thread receives signals, so elsewhere (a worker thread), where there is no such timer,
    or where the program handles SIGVTALRM itself, the block runs unbounded."""
    timer = getattr(signal, "SIGVTALRM", None)
    if timer is None or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(timer) not in (signal.SIG_DFL, signal.SIG_IGN):
        yield
        return
    ended = False

    def expired(signum: int, frame: Any) -> None:
        if not ended:  # a signal that arrives as the block ends is too late to matter
            raise SchemaTimeout

    previous = signal.signal(timer, expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        while True:  # the timer may fire while this runs: restore all the same
            try:
                ended = True
                signal.setitimer(signal.ITIMER_VIRTUAL, 0)
                signal.signal(timer, previous)
                break
            except SchemaTimeout:
                continue


def _refuse_retrieval(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
