"""JSON Schema on schemas sftlint did not write: the tool declarations a record carries (C004,
C005) and the project's `record-schema` (S010).

jsonschema trusts its schema. One from the data may be broken in ways `check_schema` does
not see (a `$ref` to nowhere, a self-reference that recurses without end), and its
`pattern`s run on Python's backtracking regex engine, where `^(a+)+$` against forty a's and
a "!" takes longer than the universe has existed. So validation here refuses to fetch any
`$ref` outside the schema, turns every failure of the library into a message, and stops a
validation that runs past its time budget.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

# Seconds one validation of one instance may take before it is given up: a thousand times
# what a real tool schema needs.
BUDGET_SECONDS = 1.0


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
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.exceptions.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        return exc.message + (f" (at /{where})" if where else "")
    except Exception as exc:  # noqa: BLE001 - any failure of the library on foreign data
        return _failure(exc)
    return None


def violations(schema: Any, instance: Any) -> list[Any]:
    """jsonschema's errors for `instance` by `schema` (see `bounded_errors`)."""
    try:
        checker = validator(schema)
    except Exception as exc:  # noqa: BLE001 - any failure of the library on foreign data
        raise ValueError(_failure(exc)) from None
    return bounded_errors(checker, instance)


def bounded_errors(checker: Any, instance: Any) -> list[Any]:
    """The errors `checker` (a validator) finds in `instance`, within the time budget.
    Raises SchemaTimeout past it, and ValueError with a message where the library fails
    on the schema (a `$ref` to nowhere, a reference to itself without end)."""
    try:
        with _budget(BUDGET_SECONDS):
            return list(checker.iter_errors(instance))
    except Exception as exc:  # noqa: BLE001 - any failure of the library on foreign data
        raise ValueError(_failure(exc)) from None


def _failure(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "it refers to itself without end"
    ref = getattr(exc, "ref", None)
    if ref is not None:
        return f'cannot resolve $ref "{str(ref)[:80]}" (only references inside it are followed)'
    return f"jsonschema cannot use it ({type(exc).__name__}: {str(exc)[:120]})"


@contextlib.contextmanager
def _budget(seconds: float) -> Iterator[None]:
    """Raise SchemaTimeout in the block after `seconds`, by a timer signal: Python's regex
    engine checks for signals as it backtracks. Only the main thread receives signals, so
    elsewhere (a worker thread), and where there is no timer signal, the block runs
    unbounded."""
    if not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None):
        yield  # no timer signal (Windows), or not ours to take: another part uses it
        return

    def expired(signum: int, frame: Any) -> None:
        raise SchemaTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _refuse_retrieval(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
