"""The training gate can be trusted: it refuses what it cannot evaluate, puts findings on the
records they belong to, uses the model's tokenizer throughout, never overwrites a run by
accident, and its receipt describes what was trained."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")

import torch  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from sftlint.cli import cli  # noqa: E402
from sftlint.config import ConfigError  # noqa: E402
from sftlint.engine import Linter  # noqa: E402
from sftlint.registry import select_rules  # noqa: E402
from sftlint.run_cache import RunCache  # noqa: E402
from sftlint.trainer.gate import TrainRequest, run_gate  # noqa: E402
from tests.conftest import SYSTEM, chat, jsonl, make_config  # noqa: E402
from tests.tiny_model import PAIRS, shared_tiny_model  # noqa: E402

pytestmark = pytest.mark.train
torch.set_num_threads(1)

RECORDS = [chat(u, a) for u, a in PAIRS]
LONG = chat("想" * 300, "好的。")  # ~600 tokens: over max-length 120
# Renders the last turn differently from the same turn followed by others: prefix masking
# cannot find where the reply starts.
LAST_TURN_MARKED = ("{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] "
                    "+ '<|im_end|>' }}{% if loop.last %}{{ '<|endoftext|>' }}{% endif %}"
                    "{{ '\\n' }}{% endfor %}"
                    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
# Raises on conversations of more than one exchange, as real templates raise on roles.
ONE_EXCHANGE_ONLY = ("{% if messages | length > 3 %}{{ raise_exception('only one exchange') }}"
                     "{% endif %}{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + "
                     "m['content'] + '<|im_end|>\\n' }}{% endfor %}"
                     "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    texts = [SYSTEM] + [t for pair in PAIRS for t in pair] * 5
    return shared_tiny_model(tmp_path_factory.getbasetemp(), "tiny", texts)


def model_copy(tiny_model: Path, where: Path, template: str | None = None,
               **tokenizer_config: object) -> Path:
    """A copy of the tiny model, with another chat template or tokenizer settings."""
    out = where / "model-copy"
    shutil.copytree(tiny_model, out)
    if template is not None:
        (out / "chat_template.jinja").write_text(template)
    if tokenizer_config:
        path = out / "tokenizer_config.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), **tokenizer_config}))
    return out


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sftlint: error: "), err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


# --- findings land on their own records --------------------------------------------------

def test_run_cache_never_mistakes_a_new_object_for_a_freed_one() -> None:
    cache, computed = RunCache(), []
    for i in range(200):  # each subject is freed at once: CPython hands its address on
        cache.latest("kind", object(), lambda i=i: computed.append(i))
    assert len(computed) == 200
    subject = object()
    assert cache.latest("k", subject, lambda: 1) == 1 and cache.latest("k", subject, lambda: 2) == 1
    assert cache.shared("x", lambda: 3) == 3 and cache.shared("x", lambda: 4) == 3


def test_each_check_has_its_own_cache_shared_by_its_rules(tiny_model: Path,
                                                          in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS[:1]))
    config = make_config({"tokens": {"tokenizer": str(tiny_model)}})
    linter = Linter(config, select_rules(["T", "D"], []))
    linter.check(["d.jsonl"])
    first = {id(r.run) for r in linter.record_rules}
    assert len(first) == 1
    linter.check(["d.jsonl"])
    assert {id(r.run) for r in linter.record_rules} != first


CHECK_SEVERAL_TIMES = """
import json
from sftlint.config import load_config
from sftlint.engine import Linter
from sftlint.registry import select_rules
config, _ = load_config()
found = {}
for select in ("T001", "T", "T001,T004", "T,S"):  # address reuse depends on what is freed
    findings = Linter(config, select_rules(select.split(","), [])).check(["data"]).findings
    found[select] = sorted(f.path for f in findings if f.code == "T001")
print(json.dumps(found))
"""


def test_a_directory_of_one_record_files(tiny_model: Path, in_tmp: Path) -> None:
    """The T rules cached encodings under id(record.source): with a record per file, the
    address came back for the next file's record, which got the other record's findings.
    A fresh process, as `sftlint check` is: pytest's heap rarely hands addresses back."""
    (in_tmp / "data").mkdir()
    for i in range(40):
        record = LONG if i % 2 == 0 else chat(*PAIRS[i % len(PAIRS)])
        (in_tmp / "data" / f"f{i:02d}.jsonl").write_bytes(jsonl([record]))
    (in_tmp / "sftlint.toml").write_text(
        f'[tokens]\ntokenizer = "{tiny_model}"\nmax-length = 120\n')
    proc = subprocess.run([sys.executable, "-c", CHECK_SEVERAL_TIMES], cwd=in_tmp,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr
    expected = [os.path.join("data", f"f{i:02d}.jsonl") for i in range(0, 40, 2)]
    for select, flagged in json.loads(proc.stdout).items():
        assert flagged == expected, select


# --- what the gate cannot evaluate is refused ----------------------------------------------

def test_no_jinja2_is_refused_never_passed(tiny_model: Path, in_tmp: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers.utils.chat_template_utils as ctu

    def no_jinja(template: str) -> None:
        raise ImportError("apply_chat_template requires jinja2 to be installed.")

    monkeypatch.setattr(ctu, "_compile_jinja_template", no_jinja)
    (in_tmp / "d.jsonl").write_bytes(jsonl([LONG]))
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{tiny_model}"\n')
    code, out, err = run(["check", "d.jsonl", "--select", "T"])
    assert code == 2 and "jinja2" in one_line_error(err) and "passed" not in out
    for extra in (["--dry-run"], ["--output", "out"]):
        code, out, err = run(["train", "d.jsonl", "--model", str(tiny_model), *extra])
        assert code == 2 and "jinja2" in one_line_error(err)
    assert not (in_tmp / "out").exists()


def test_a_template_masking_cannot_follow_is_refused(tiny_model: Path, in_tmp: Path) -> None:
    model = model_copy(tiny_model, in_tmp, LAST_TURN_MARKED)
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS[:2]))
    code, _, err = run(["train", "d.jsonl", "--model", str(model), "--output", "out"])
    assert code == 1 and "refusing to train" in err
    assert "d.jsonl:1:1: T002" in err and "d.jsonl:2:1: T002" in err
    assert "prefix masking cannot be used" in err
    assert not (in_tmp / "out").exists()
    # ignoring T002 does not open the gate: its own encoding refuses, naming the record
    (in_tmp / "sftlint.toml").write_text('ignore = ["T002"]\n')
    code, _, err = run(["train", "d.jsonl", "--model", str(model), "--dry-run"])
    assert code == 2 and "d.jsonl:1: " in one_line_error(err)


def test_a_template_that_raises_on_a_record(tiny_model: Path, in_tmp: Path) -> None:
    model = model_copy(tiny_model, in_tmp, ONE_EXCHANGE_ONLY)
    multi = chat(*PAIRS[0])
    multi["messages"] += [{"role": "user", "content": PAIRS[1][0]},
                          {"role": "assistant", "content": PAIRS[1][1]}]
    (in_tmp / "d.jsonl").write_bytes(jsonl([RECORDS[2], multi]))
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{model}"\n')
    code, out, _ = run(["check", "d.jsonl", "--select", "T", "--format", "json"])
    found = json.loads(out)
    assert code == 1
    assert [(f["code"], f["line"], f["severity"]) for f in found] == [("T002", 2, "error")]
    assert "only one exchange" in found[0]["message"]


# --- one tokenizer -------------------------------------------------------------------------

def test_gate_dry_run_and_training_use_the_models_tokenizer(tiny_model: Path,
                                                            in_tmp: Path) -> None:
    other = model_copy(tiny_model, in_tmp)
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{other}"\n')
    for extra in (["--dry-run"], ["--output", "out"]):
        code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), *extra])
        assert code == 2 and "one tokenizer, the model's" in one_line_error(err)
    # the config naming the model's own directory (by another spelling) is fine
    (in_tmp / "sftlint.toml").write_text(f'[tokens]\ntokenizer = "{other}/../model-copy"\n')
    code, out, _ = run(["train", "d.jsonl", "--model", str(other), "--dry-run"])
    assert code == 0 and f"tokenizer          {other}" in out


# --- the model is a local directory --------------------------------------------------------

@pytest.mark.parametrize("model", ["Qwen/Qwen2.5-0.5B-Instruct", "no-such-dir", "empty"])
def test_model_must_be_a_local_directory(model: str, in_tmp: Path) -> None:
    (in_tmp / "empty").mkdir()
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    for extra in (["--dry-run"], ["--output", "out"]):
        code, _, err = run(["train", "d.jsonl", "--model", model, *extra])
        line = one_line_error(err)
        assert code == 2 and f"model {model}: " in line
        assert ("never downloaded" in line) if model != "empty" else ("no config.json" in line)
    assert not (in_tmp / "out").exists()


# --- the receipt, and runs that are not overwritten ---------------------------------------

def test_receipt_says_what_ran_and_runs_are_not_overwritten(tiny_model: Path,
                                                            in_tmp: Path) -> None:
    data = in_tmp / "d.jsonl"
    data.write_bytes(jsonl(RECORDS))
    args = ["train", "d.jsonl", "--model", str(tiny_model), "--output", "out",
            "--batch-size", "2"]
    code, _, err = run([*args, "--max-steps", "2"])
    assert code == 0, err
    receipt_path = in_tmp / "out" / "sftlint-receipt.json"
    receipt = json.loads(receipt_path.read_text())
    assert receipt["trained"] == {"method": "sft", "steps": 2,
                                  "epochs": pytest.approx(2 / 3, abs=1e-3),
                                  "records": 6, "every_record_seen": False}
    assert receipt["config"]["max_steps"] == 2
    assert receipt["data"] == [{"path": str(data), "records": 6,
                                "sha256": hashlib.sha256(data.read_bytes()).hexdigest()}]
    before = receipt_path.read_bytes()
    code, _, err = run([*args, "--max-steps", "1"])
    assert code == 2 and "--overwrite" in one_line_error(err)
    assert receipt_path.read_bytes() == before
    code, _, err = run([*args, "--max-steps", "4", "--overwrite"])
    assert code == 0, err
    receipt = json.loads(receipt_path.read_text())
    assert receipt["trained"]["steps"] == 4 and receipt["trained"]["every_record_seen"]
    (in_tmp / "notes").mkdir()
    (in_tmp / "notes" / "todo.txt").write_text("mine")
    code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--output", "notes"])
    assert code == 2 and "already holds files" in one_line_error(err)


def test_data_changed_during_training(tiny_model: Path, in_tmp: Path) -> None:
    from sftlint.trainer.train import DataChanged, train

    data = in_tmp / "d.jsonl"
    data.write_bytes(jsonl(RECORDS))
    trained_bytes = data.read_bytes()
    gate = run_gate(make_config(), TrainRequest(data=("d.jsonl",), model=str(tiny_model),
                                                output="out", max_steps=1))
    assert gate.passed

    def edit_the_data(line: str) -> None:  # called once a step has run
        data.write_bytes(trained_bytes + jsonl([chat(*PAIRS[0])]))

    with pytest.raises(DataChanged, match="d.jsonl changed during training"):
        train(gate, log=edit_the_data)
    receipt = json.loads((in_tmp / "out" / "sftlint-receipt.json").read_text())
    assert receipt["data"][0]["sha256"] == hashlib.sha256(trained_bytes).hexdigest()
    assert receipt["data_changed_during_training"] == [str(data)]
    assert isinstance(DataChanged("x"), ConfigError)  # the CLI: one line, exit 2


def test_a_data_link_pointed_at_a_dirty_copy_and_back_is_a_change(in_tmp: Path) -> None:
    """git-annex and DVC keep data as links: re-pointing the link at a dirty copy while the
    gate reads and back again left the file it names untouched, and the gate, which
    fingerprinted only that file, trained the dirty copy under the clean one's hash."""
    from sftlint.trainer.gate import changed_files, hash_data

    store = in_tmp / "store"
    store.mkdir()
    (store / "clean.jsonl").write_bytes(jsonl(RECORDS))
    (store / "dirty.jsonl").write_bytes(jsonl([chat("睡不着。", "你应该早点睡。")]))
    (in_tmp / "data").mkdir()
    link = in_tmp / "data" / "train.jsonl"
    link.symlink_to(store / "clean.jsonl")
    [hashed] = hash_data([str(link)])
    assert changed_files([hashed]) == []
    for target in ("dirty.jsonl", "clean.jsonl"):  # what `ln -sfn` does, twice
        link.unlink()
        link.symlink_to(store / target)
    assert changed_files([hashed]) == [str(link)]
    # a linked folder above the file counts the same
    (in_tmp / "v1").symlink_to(store, target_is_directory=True)
    [hashed] = hash_data([str(in_tmp / "v1" / "clean.jsonl")])
    (in_tmp / "v1").unlink()
    (in_tmp / "v1").symlink_to(store, target_is_directory=True)
    assert changed_files([hashed]) == [str(in_tmp / "v1" / "clean.jsonl")]


def test_the_prompt_file_is_read_once(tiny_model: Path, in_tmp: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The receipt (and so `sftlint chat`) read `system-prompt-file` again after the
    encoding: an edit meanwhile served a prompt the data was never checked against."""
    import sftlint.trainer.gate as gate_module
    from sftlint.config import parse_config

    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    (in_tmp / "prompt.txt").write_text(SYSTEM + "\n", encoding="utf-8")
    config = parse_config({"system-prompt-file": "prompt.txt"}, "test config", str(in_tmp))
    real = gate_module.load_tokenizer

    def edit_then_load(directory: str) -> object:  # after the checks, before the encoding
        (in_tmp / "prompt.txt").write_text("EDITED PROMPT\n", encoding="utf-8")
        return real(directory)

    monkeypatch.setattr(gate_module, "load_tokenizer", edit_then_load)
    gate = run_gate(config, TrainRequest(model=str(tiny_model), dry_run=True,
                                         data=("d.jsonl",)))
    assert gate.passed and gate.system_prompt == SYSTEM


# --- policy lives in the library -----------------------------------------------------------

def test_run_gate_is_the_policy(tiny_model: Path, in_tmp: Path) -> None:
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS))
    config = make_config({"train": {"lora-r": 4, "epochs": 2}, "tokens": {"max-length": 200}})
    gate = run_gate(config, TrainRequest(model=str(tiny_model), seed=7, dry_run=True,
                                         data=("d.jsonl",)))
    assert gate.passed and len(gate.encoded) == len(RECORDS)
    assert (gate.settings.lora_r, gate.settings.epochs, gate.settings.seed) == (4, 2.0, 7)
    assert gate.settings.max_length == 200 and gate.settings.batch_size == 4  # TrainConfig's
    assert gate.system_prompt == SYSTEM
    with pytest.raises(ConfigError, match="--epochs: "):
        run_gate(config, TrainRequest(model=str(tiny_model), epochs=0, dry_run=True))
    import sftlint.cli

    assert not hasattr(sftlint.cli, "TOKEN_RULES") and not hasattr(sftlint.cli,
                                                                  "_majority_prompt")


def test_several_files_are_gated_as_the_one_dataset_they_train(tiny_model: Path,
                                                                in_tmp: Path) -> None:
    """Training concatenates its files, so the dataset rules judge them together: a
    duplicate across files and a wrong total are found, and a file named twice is refused
    (it would be trained twice)."""
    (in_tmp / "a.jsonl").write_bytes(jsonl(RECORDS))
    (in_tmp / "b.jsonl").write_bytes(jsonl(RECORDS[:1]))
    model = str(tiny_model)
    code, out, err = run(["train", "a.jsonl", "b.jsonl", "--model", model, "--dry-run"])
    assert code == 1 and "refusing to train" in err
    assert "b.jsonl:1:1: D001 same user and assistant text as a.jsonl:1" in err
    (in_tmp / "b.jsonl").write_bytes(jsonl([chat("今天下雨了。", "下雨天，您在家做什么呢？")]))
    (in_tmp / "sftlint.toml").write_text(f"expected-records = {len(RECORDS)}\n")
    code, out, err = run(["train", "a.jsonl", "b.jsonl", "--model", model, "--dry-run"])
    assert code == 1 and "B004" in err
    (in_tmp / "sftlint.toml").write_text(f"expected-records = {len(RECORDS) + 1}\n")
    assert run(["train", "a.jsonl", "b.jsonl", "--model", model, "--dry-run"])[0] == 0
    code, out, err = run(["train", "a.jsonl", ".", "--model", model, "--dry-run"])
    assert code == 2 and "a.jsonl is named twice" in one_line_error(err)
    code, out, err = run(["train", "a.jsonl", "./a.jsonl", "--model", model, "--dry-run"])
    assert code == 2 and "a.jsonl is named twice" in one_line_error(err)
    os.link(in_tmp / "a.jsonl", in_tmp / "hard.jsonl")  # a hard link is the same file
    code, out, err = run(["train", "a.jsonl", "hard.jsonl", "--model", model, "--dry-run"])
    assert code == 2 and "is named twice" in one_line_error(err)


def test_what_a_folder_holds_that_cannot_be_read_stops_the_gate(tiny_model: Path,
                                                                in_tmp: Path) -> None:
    """A broken link in a data folder (a file git-annex dropped) was neither checked nor
    trained, with a warning: training on part of the data the user named. Now it stops, as
    the check does, until it is fixed or excluded."""
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "a.jsonl").write_bytes(jsonl(RECORDS))
    (in_tmp / "data" / "gone.jsonl").symlink_to(in_tmp / "missing.jsonl")
    code, out, err = run(["train", "data", "--model", str(tiny_model), "--dry-run"])
    assert code == 2 and "gone.jsonl: broken symbolic link" in one_line_error(err), err
    (in_tmp / "sftlint.toml").write_text('exclude = ["gone.jsonl"]\n')
    code, out, err = run(["train", "data", "--model", str(tiny_model), "--dry-run"])
    assert code == 0, err


def test_lines_an_ignored_f006_lets_through_are_said(tiny_model: Path, in_tmp: Path) -> None:
    """With F006 ignored the gate passes a line that is not JSON; it holds no record, so it
    is not trained, and train says so (before, only the receipt's counts showed it)."""
    (in_tmp / "a.jsonl").write_bytes(jsonl(RECORDS) + b'{"messages": [\n')
    (in_tmp / "sftlint.toml").write_text('ignore = ["F006"]\n')
    code, out, err = run(["train", "a.jsonl", "--model", str(tiny_model), "--dry-run"])
    assert code == 0, err
    assert (f"sftlint: warning: a.jsonl: 1 line(s) hold no record (invalid JSON or UTF-8, or "
            f"not an object; first: line {len(RECORDS) + 1}) and are not used") in err


def test_an_arrow_dataset_trains_and_its_receipt_hashes_its_files(tiny_model: Path,
                                                                   in_tmp: Path) -> None:
    datasets = pytest.importorskip("datasets")
    datasets.Dataset.from_list(RECORDS).save_to_disk(str(in_tmp / "ds"))
    code, out, err = run(["train", "ds", "--model", str(tiny_model), "--output", "run",
                          "--max-steps", "1"])
    assert code == 0, err
    receipt = json.loads((in_tmp / "run" / "sftlint-receipt.json").read_text())
    assert [d["records"] for d in receipt["data"]] == [len(RECORDS)]
    digest = receipt["data"][0]["sha256"]
    (in_tmp / "ds" / "extra.txt").write_text("x")
    from sftlint.trainer.receipt import sha256_of

    assert sha256_of(str(in_tmp / "ds")) != digest  # every file of the folder counts


# --- dry-run output ------------------------------------------------------------------------

def test_dry_run_decodes_whole_spans(tiny_model: Path, in_tmp: Path) -> None:
    prompt = "你是一位温柔的陪伴者。"  # 柔 is not in the tiny vocabulary: byte tokens
    reply = "慢慢来，柔和一点对自己。"
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat(PAIRS[0][0], reply, system=prompt)]))
    code, out, _ = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run"])
    assert code == 0
    assert "\ufffd" not in out
    assert f"<|im_start|>system\n{prompt}<|im_end|>" in out
    assert f"[[{reply}<|im_end|>]]" in out


def test_library_warnings_stay_out(tiny_model: Path, in_tmp: Path) -> None:
    model = model_copy(tiny_model, in_tmp, model_max_length=16)
    (in_tmp / "d.jsonl").write_bytes(jsonl(RECORDS[:2]))
    proc = subprocess.run([sys.executable, "-m", "sftlint", "train", "d.jsonl", "--model",
                           str(model), "--dry-run"], cwd=in_tmp, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_what_sft_cannot_train_is_refused(tiny_model: Path, in_tmp: Path) -> None:
    """KTO labels and preference pairs are not SFT data: training their replies as
    conversations would learn the undesirable ones too, so the gate refuses (naming the
    method that trains them). Reasoning trains as the template renders it."""
    thinking = chat(PAIRS[1][0], f"<think>先问问睡眠。</think>{PAIRS[1][1]}")
    (in_tmp / "d.jsonl").write_bytes(jsonl([chat(*PAIRS[0]), thinking]))
    assert run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run"])[0] == 0
    kto = [dict(chat(*pair), label=True) for pair in PAIRS[:2]]
    (in_tmp / "d.jsonl").write_bytes(jsonl(kto))
    code, _, err = run(["train", "d.jsonl", "--model", str(tiny_model), "--dry-run"])
    assert code == 2 and "d.jsonl:1: the record has a KTO label" in one_line_error(err)
    assert "--method kto" in err


def test_output_inside_the_data_or_the_model_is_refused(tiny_model: Path, in_tmp: Path) -> None:
    """An adapter written inside a data folder is read as data by every later check (its
    .json files), and one written into the model's folder replaces the model's files."""
    (in_tmp / "data").mkdir()
    (in_tmp / "data" / "d.jsonl").write_bytes(jsonl(RECORDS))
    for output, what in (("data/run", "the data"), (str(tiny_model), "the base model"),
                         (str(tiny_model / "adapter"), "the base model")):
        code, _, err = run(["train", "data", "--model", str(tiny_model), "--output", output,
                            "--overwrite", "--max-steps", "1"])
        assert code == 2 and f"lies inside {what}" in one_line_error(err), err
    assert not (in_tmp / "data" / "run").exists()
    assert not (tiny_model / "adapter_config.json").exists()
    # the usual layouts pass: data named apart from runs/, or the project's paths = ["."]
    # with the runs folder excluded (or hidden), where no check reads it
    (in_tmp / "m").symlink_to(tiny_model)
    code, _, err = run(["train", "data", "--model", "m", "--output", "runs/v1",
                        "--dry-run"])
    assert code == 0, err
    (in_tmp / "sftlint.toml").write_text('exclude = ["runs"]\n')
    for output in ("runs/v1", ".runs/v1"):
        code, _, err = run(["train", "--model", "m", "--output", output, "--max-steps", "1"])
        assert code == 0, err
        code, out, _ = run(["check", "--select", "S,F", "--format", "json"])
        assert not [f for f in json.loads(out) if "runs/" in f["path"]], out
    (in_tmp / "sftlint.toml").unlink()
    code, _, err = run(["train", "--model", "m", "--output", "runs/v2", "--max-steps", "1"])
    assert code == 2 and 'add "runs" to exclude' in one_line_error(err)


def test_a_file_swapped_and_swapped_back_is_changed_though_its_bytes_are_not(
        in_tmp: Path) -> None:
    """The gate reads a file several times (hash, lint, the records it trains): a dirty copy
    renamed in between and the clean one renamed back left the same hash, so training used
    bytes the lint never saw. Any write or rename since the hash is a change."""
    import time

    from sftlint.trainer.gate import changed_files, hash_data

    data = in_tmp / "d.jsonl"
    data.write_bytes(jsonl(RECORDS))
    clean = data.read_bytes()
    files = hash_data([str(data)])
    assert changed_files(files) == []
    (in_tmp / "copy.jsonl").write_bytes(clean)  # the same bytes, swapped in by a rename
    os.replace(in_tmp / "copy.jsonl", data)
    assert changed_files(files) == [str(data)]
    files = hash_data([str(data)])
    time.sleep(0.01)
    data.write_bytes(clean)  # the same bytes, written in place
    assert changed_files(files) == [str(data)]


def test_a_saved_datasetdict_trains_only_the_split_named(tiny_model: Path, in_tmp: Path) -> None:
    """Training on a DatasetDict's folder trained every split, test included."""
    datasets = pytest.importorskip("datasets")
    datasets.DatasetDict({"train": datasets.Dataset.from_list(RECORDS),
                          "test": datasets.Dataset.from_list(RECORDS[:2])}
                         ).save_to_disk(str(in_tmp / "dd"))
    code, _, err = run(["train", "dd", "--model", str(tiny_model), "--dry-run"])
    assert code == 2 and "a DatasetDict of splits test, train" in one_line_error(err)
    code, out, err = run(["train", "dd/train", "--model", str(tiny_model), "--dry-run",
                          "--format", "json"])
    assert code == 0, err
