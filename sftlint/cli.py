"""The command line. It turns findings into output and an exit code, nothing else."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from sftlint import __version__
from sftlint.config import Config, ConfigError, load_config
from sftlint.reader import InputError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


class UsageError(Exception):
    """A bad argument: one line, exit code 2."""


def one_line_errors(func: F) -> F:
    """Known failures become one line on stderr and exit code 2, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, InputError, UsageError) as exc:
            from sftlint.reporters import printable

            # one line, as the reports show paths and data: escapes, not raw bytes or ESC
            click.echo(f"sftlint: error: {printable(str(exc))}", err=True)
            sys.exit(EXIT_USAGE)
        except BrokenPipeError:  # `sftlint check | head`: the reader left, so stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_FINDINGS)
        except KeyboardInterrupt:
            click.echo("sftlint: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug: still one line, unless the user asks for more
            if os.environ.get("SFTLINT_DEBUG"):
                raise
            click.echo(f"sftlint: internal error: {type(exc).__name__}: {exc} "
                       "(set SFTLINT_DEBUG=1 for a traceback and please report it)", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


def split_codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sftlint")
def cli() -> None:
    """Lint and gate supervised fine-tuning (SFT) chat data."""


def progress_printer() -> Callable[[str], None] | None:
    """A one-line progress display on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        sys.stderr.write(f"\r\033[K{message}" if message else "\r\033[K")
        sys.stderr.flush()

    return show


def _load(config_file: str | None) -> Config:
    config, _ = load_config(config_file)
    return config


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", default="text",
              type=click.Choice(["text", "json", "github", "sarif", "junit", "html"]),
              help="Output format.")
@click.option("--select", multiple=True, help="Comma-separated codes, prefixes or names to run.")
@click.option("--ignore", multiple=True, help="Comma-separated codes, prefixes or names to skip.")
@click.option("--fix", is_flag=True, help="Apply safe fixes (F001 F002 F004 F005 S009).")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print what --fix would change as a unified diff; write nothing.")
@click.option("--statistics", is_flag=True, help="Show counts by rule instead of findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors are found.")
@click.option("--config", "config_file", type=click.Path(), help="Config file to use.")
@click.option("--no-dataset", is_flag=True,
              help="Skip dataset and project rules (for hooks that see only some files).")
@click.option("--changed-files", is_flag=True,
              help="PATHS are changed files (the dataset hook): check `paths` with the dataset "
                   "and project rules, only if one of them is an input of the check.")
@click.option("--jobs", type=click.IntRange(1, 256), default=None,
              help="Worker processes for large files (default: one per core).")
@click.option("--baseline", "baseline_file", type=click.Path(),
              help="Hide the findings recorded in this baseline; report only new ones.")
@click.option("--write-baseline", "write_baseline_file", type=click.Path(),
              help="Record the current findings as the baseline and exit 0.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default=None,
              help="Where to run: this machine (default) or a Ray cluster (the ray extra).")
@click.option("--ray-address", default=None,
              help="--engine ray: the cluster (host:port, ray://...); none starts a local one.")
@one_line_errors
def check(paths: tuple[str, ...], output_format: str, select: tuple[str, ...],
          ignore: tuple[str, ...], fix: bool, show_diff: bool, statistics: bool, exit_zero: bool,
          config_file: str | None, no_dataset: bool, changed_files: bool, jobs: int | None,
          baseline_file: str | None, write_baseline_file: str | None, engine: str | None,
          ray_address: str | None) -> None:
    """Check SFT data: JSON Lines, JSON arrays, Parquet, Arrow datasets, or folders."""
    from sftlint.api import check as run_check
    from sftlint.reporters import emit, get_reporter
    from sftlint.reporters.text import statistics_table

    if fix and show_diff:
        raise UsageError("--fix and --diff exclude each other: --diff shows what --fix would do")
    if show_diff and write_baseline_file:  # --diff writes nothing, a baseline included
        raise UsageError("--diff and --write-baseline exclude each other: --diff writes nothing")
    selected = split_codes(select) or None
    report = run_check(
        list(paths) or None, config=config_file, select=selected, ignore=split_codes(ignore),
        dataset_rules=not no_dataset, changed_files=changed_files,
        baseline=False if write_baseline_file else baseline_file, fix=fix, diff=show_diff,
        jobs=jobs, progress=progress_printer(), engine=engine, ray_address=ray_address,
        on_wait=lambda path: click.echo(
            f"sftlint: waiting for another `sftlint check --fix` of {path}", err=True))
    if not report.ran:
        return  # the dataset hook: no input of the check changed
    if show_diff:
        from sftlint.fixer import unified_diff

        for path, before, after, _ in report.previews:  # bytes: non-UTF-8 lines still apply
            sys.stdout.buffer.write(unified_diff(path, before, after))
        sys.stdout.buffer.flush()
        would = sum(count for *_, count in report.previews)
        click.echo(f"Would fix {would} finding(s) in {len(report.previews)} file(s)."
                   if report.previews else "No fixes available.", err=True)
        sys.exit(EXIT_FINDINGS if report.previews and not exit_zero else EXIT_OK)
    for warning in report.warnings:  # e.g. a broken link or a FIFO skipped in a folder
        click.echo(f"sftlint: warning: {warning}", err=True)
    if report.summary.files == 0:
        click.echo("sftlint: warning: no .jsonl, .json or .parquet files or Arrow datasets in "
                   f"{', '.join(report.targets)}", err=True)
    if write_baseline_file:
        from sftlint.baseline import write_baseline

        write_baseline(write_baseline_file, report.findings)
        click.echo(f"Wrote {len(report.findings)} finding(s) to the baseline "
                   f"{write_baseline_file}.", err=True)  # stdout stays the report's
        return
    out = sys.stdout
    if statistics and output_format == "text":
        if report.findings:
            click.echo(statistics_table(report.findings))
    else:
        emit(get_reporter(output_format, out, color=out.isatty()), report.summary)
    for path in report.changed:
        click.echo(f"sftlint: error: {path}: the file changed while it was being fixed; "
                   "nothing was written to it, run again", err=True)
    if report.changed:
        sys.exit(EXIT_USAGE)
    if report.errors and not exit_zero:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output", default="sftlint.toml", show_default=True, type=click.Path(),
              help="Where to write the config (an existing file is never replaced).")
@one_line_errors
def init(paths: tuple[str, ...], output: str) -> None:
    """Write a starter config from the data: shape, system prompt, categories, counts."""
    from sftlint.init import write_starter_config

    written, text = write_starter_config(list(paths) or ["."], output)
    click.echo(text, nl=False)
    click.echo(f"Wrote {written}; review it, then run `sftlint check`.", err=True)


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]),
              default="text", help="markdown: the table the README carries.")
@one_line_errors
def list_rules(output_format: str) -> None:
    """List every rule: code, name, default severity, fixable."""
    from sftlint.registry import all_rules, rule_file, rules_markdown

    if output_format == "markdown":
        click.echo(rules_markdown())
        return
    for rule in all_rules():
        fix = "fixable" if rule.fixable else ""
        click.echo(f"{rule.code}  {rule.name:<30} {rule.scope.value:<8} "
                   f"{rule.severity.value:<8} {fix:<8} {rule_file(rule)}".rstrip())


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--html", "html_file", type=click.Path(), help="Also write an HTML report here.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="json: one object, for scripts.")
@click.option("--config", "config_file", type=click.Path(), help="Config file to use.")
@one_line_errors
def stats(paths: tuple[str, ...], html_file: str | None, output_format: str,
          config_file: str | None) -> None:
    """Counts, length distributions, categories, duplicates and findings of a dataset."""
    from sftlint.api import dataset_stats
    from sftlint.stats import render_json, render_table

    config = _load(config_file)
    if html_file:  # before the work, not after it
        from sftlint.stats_html import refuse_to_overwrite

        refuse_to_overwrite(html_file)
    result = dataset_stats(list(paths) or None, config=config, progress=progress_printer())
    click.echo(render_json(result) if output_format == "json" else render_table(result))
    if html_file:
        from sftlint.fixer import write_atomically
        from sftlint.stats_html import render_html

        title = ", ".join(paths) or ", ".join(config.paths)
        write_atomically(html_file, render_html(result, title).encode("utf-8"))
        if output_format == "json":  # stdout holds only the JSON
            click.echo(f"Wrote {html_file}", err=True)
        else:
            click.echo(f"\nWrote {html_file}")


@cli.command()
@click.argument("data", nargs=-1, type=click.Path())
@click.option("--model", help="Local base model directory ([train] model).")
@click.option("--output", help="Where the adapter and receipt go ([train] output).")
@click.option("--overwrite", is_flag=True, help="Replace the run already in --output.")
@click.option("--epochs", type=float)
@click.option("--max-steps", type=int, help="Stop after N optimizer steps (overrides epochs).")
@click.option("--learning-rate", type=float)
@click.option("--batch-size", type=int)
@click.option("--lora-r", type=int)
@click.option("--seed", type=int)
@click.option("--method", type=click.Choice(["sft", "dpo", "kto"]),
              help="sft (default): conversations; dpo: preference pairs; kto: labelled replies.")
@click.option("--beta", type=float, help="dpo/kto: how far the model may move from the base.")
@click.option("--loss-type", help="dpo/kto: trl's loss type (dpo: sigmoid, ...; kto: kto).")
@click.option("--dry-run", is_flag=True, help="Gate, tokenize and mask; train nothing.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="Dry-run output.")
@click.option("--config", "config_file", type=click.Path(), help="Config file to use.")
@one_line_errors
def train(data: tuple[str, ...], model: str | None, output: str | None, overwrite: bool,
          epochs: float | None, max_steps: int | None, learning_rate: float | None,
          batch_size: int | None, lora_r: int | None, seed: int | None, method: str | None,
          beta: float | None, loss_type: str | None, dry_run: bool, output_format: str,
          config_file: str | None) -> None:
    """Gate DATA with every check, then fine-tune a LoRA adapter on it (SFT, DPO or KTO)."""
    from sftlint.reporters import Summary, emit
    from sftlint.reporters.text import TextReporter
    from sftlint.trainer.gate import TrainRequest, run_gate

    request = TrainRequest(data=data, model=model, output=output, epochs=epochs,
                           max_steps=max_steps, learning_rate=learning_rate,
                           batch_size=batch_size, lora_r=lora_r, seed=seed, method=method,
                           beta=beta, loss_type=loss_type, dry_run=dry_run, overwrite=overwrite)
    gate = run_gate(_load(config_file), request, progress=progress_printer())
    for warning in gate.check.warnings:  # e.g. a broken link skipped in a folder
        click.echo(f"sftlint: warning: {warning}", err=True)
    if not gate.passed:
        result = gate.check
        emit(TextReporter(sys.stderr), Summary(result.files, result.records, result.findings,
                                               paths=result.paths))
        click.echo(f"sftlint: refusing to train: {len(gate.errors)} error-level finding(s); "
                   "fix them and run again (nothing was written)", err=True)
        sys.exit(EXIT_FINDINGS)
    if dry_run:
        from sftlint.trainer.dry_run import dry_run_json, dry_run_text

        click.echo(dry_run_json(gate) if output_format == "json" else dry_run_text(gate))
        return
    from sftlint.trainer.train import train as run_training

    receipt = run_training(gate, log=lambda line: click.echo(line, err=True))
    click.echo(f"Trained {gate.settings.output}; receipt {receipt}")


@cli.command()
@click.option("--adapter", required=True, type=click.Path(), help="Output of `sftlint train`.")
@click.argument("message", required=False)
@click.option("--max-new-tokens", type=click.IntRange(1, 32768), default=128)
@one_line_errors
def chat(adapter: str, message: str | None, max_new_tokens: int) -> None:
    """Reply with a trained adapter, under the system prompt recorded in its receipt."""
    from sftlint.trainer.chat import load_chat_model, read_line, reply, user_text

    if message is not None:
        message = user_text(message)  # before the model loads
    model, tokenizer, system_prompt = load_chat_model(adapter)
    if message is not None:
        click.echo(reply(model, tokenizer, [{"role": "user", "content": message}],
                         system_prompt, max_new_tokens))
        return
    history: list[dict[str, str]] = []
    click.echo("sftlint chat: an empty line or Ctrl-D ends the conversation.", err=True)
    while True:
        text = read_line("you> ")
        if not text:  # the end of input, or an empty line
            break
        history.append({"role": "user", "content": text})
        answer = reply(model, tokenizer, history, system_prompt, max_new_tokens)
        history.append({"role": "assistant", "content": answer})
        click.echo(f"bot> {answer}")


@cli.command("rule")
@click.argument("code")
@one_line_errors
def explain_rule(code: str) -> None:
    """Explain one rule (by code or name)."""
    from sftlint.registry import rule_by_key, rule_file

    rule = rule_by_key(code)
    if rule is None:
        raise UsageError(f"unknown rule '{code}'; `sftlint rules` lists them")
    fix = ", fixable" if rule.fixable else ""
    click.echo(f"# {rule.code} {rule.name} ({rule.scope.value}, {rule.severity.value}{fix})")
    click.echo(f"defined in {rule_file(rule)} ({rule.__module__}.{rule.__qualname__})\n")
    click.echo(rule.doc())


# click 8.2 on: the group called with no command (click 8.1 prints the help itself)
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main() -> None:
    # numpy's OpenBLAS starts a thread per core at import, and they spin: 0.1 s of CPU in
    # every run, for matrix products sftlint never asks for (a user's setting wins).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        code = cli.main(prog_name="sftlint", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("sftlint: interrupted", err=True)
        sys.exit(130)
    except _NO_ARGS_IS_HELP as exc:  # `sftlint` alone: the help
        click.echo(exc.format_message(), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # a bad option or argument: one line, as other errors
        command = exc.ctx.command_path if isinstance(exc, click.UsageError) and exc.ctx else ""
        hint = f" (see `{command} --help`)" if command else ""
        click.echo(f"sftlint: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
