"""D004: evaluation records that are (nearly) training records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from sftlint.config import StrictModel, relative_path
from sftlint.dedup import best_matches, find_near_matches
from sftlint.findings import Finding
from sftlint.formats import Dataset
from sftlint.options import Field, from_project
from sftlint.records import Record
from sftlint.rule import ProjectRule, Scope
from sftlint.rules.duplicates import near_comparable, normalized_turns


def _sample_text(record: Record) -> str:
    """What D001/D002 compare: the user and assistant text, normalized."""
    user, assistant = normalized_turns(record.row(True))
    return user + "\n" + assistant


class SplitLeakage(ProjectRule):
    """A record of an evaluation split that exactly or nearly matches a training record.

    ## What it does
    Reads the inputs of `[splits] train` and `[splits] eval` (files or folders, wherever the
    checked paths are) and compares the user and assistant text of every evaluation record
    with every training record, as D001 and D002 do: exactly (case and runs of whitespace
    ignored) and nearly (rapidfuzz ratio at or above `threshold`, default 90, with D002's
    candidate search). Each leaked evaluation record is reported once, naming its closest
    training record. Runs once per check, only when `[splits]` is configured.

    ## Why it matters for training
    An evaluation sample the model was trained on measures memory, not skill: the scores
    look better the more the splits leak, and model choices made on them are wrong.

    ## Example
    ```text
    [splits] train = ["data/train.jsonl"], eval = ["data/eval.jsonl"], and eval.jsonl line 3
    holds the same user and reply as train.jsonl line 120
    ```

    ## Use instead
    ```text
    drop the record from one split, or re-split by conversation before deduplicating
    ```

    ## Options
    - `threshold` (default 90): rapidfuzz ratio at or above which two records nearly match.
    """

    code = "D004"
    name = "split-leakage"
    scope = Scope.DATASET  # it compares two datasets; the engine runs it once per check

    class Options(StrictModel):
        threshold: float = Field(90.0, ge=50, le=100)
        # the paths of `[splits] train` and `eval`, resolved; None: no splits configured
        splits: tuple[list[str], list[str]] | None = from_project("splits")
        # the datasets paths name, as the check reads them (exclude, not_data)
        datasets: Callable[[list[str]], list[Dataset]] = from_project("datasets")
        # a data file's records, read as the config reads them (shape, mapping, categories)
        read_records: Callable[[str], Iterable[Record]] = from_project("read-records")
        root: str | None = from_project("project-root")

    options: Options

    def check(self) -> Iterator[Finding]:
        if self.options.splits is None:
            return
        def records_of(targets: list[str]) -> list[Record]:
            return [record for dataset in self.options.datasets(targets)
                    for path in dataset.files for record in self.options.read_records(path)
                    if not record.problems]

        train, evaluation = (records_of(paths) for paths in self.options.splits)
        if not train or not evaluation:
            return
        train_texts = [_sample_text(r) for r in train]
        eval_texts = [_sample_text(r) for r in evaluation]
        exact = {text: i for i, text in reversed(list(enumerate(train_texts)))}
        leaked: dict[int, tuple[float, int]] = {}
        for j, text in enumerate(eval_texts):
            if text in exact:
                leaked[j] = (100.0, exact[text])
        rest = [j for j in range(len(eval_texts))
                if j not in leaked and near_comparable(eval_texts[j])]
        references = [i for i, text in enumerate(train_texts) if near_comparable(text)]
        near = find_near_matches([eval_texts[j] for j in rest],
                                 [train_texts[i] for i in references], self.options.threshold)
        # best_matches wants (earlier, later, score): here (train index, eval index, score)
        for k, (score, r) in best_matches([(r, k, s) for k, r, s in near]).items():
            leaked[rest[k]] = (score, references[r])
        for j, (score, i) in sorted(leaked.items()):
            source = train[i]
            how = "the same as" if score >= 100 and eval_texts[j] == train_texts[i] else \
                f"{score:.0f}% similar to"
            shown = relative_path(source.path, self.options.root) if self.options.root \
                else source.path
            yield self.at(evaluation[j], None, f"evaluation record is {how} training record "
                                                f"{shown}:{source.line}")
