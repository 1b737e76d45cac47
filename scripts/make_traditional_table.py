r"""Writes sftlint/traditional.py: the Traditional -> Simplified characters the style rules
read one for one (sftlint.chinese.reading_form), from OpenCC's character tables.

    pip install opencc-python-reimplemented   # OpenCC's tables (Apache-2.0)
    python scripts/make_traditional_table.py \
        "$(python -c 'import opencc, os; print(os.path.dirname(opencc.__file__))')/dictionary"

A pair is kept when its Traditional character is one BMP character whose first Simplified
form is one other BMP character, and the Traditional one is not itself a Simplified
character (not a key of STCharacters.txt: 乾, 著, 於 stand in Simplified text). Hong Kong and
Taiwan variant forms (説, 裡) map through their standard form. EXTRA adds what Chinese chat
text uses beyond that: 著 as 着 (看著), 妳 as 你, 麽 as 么.
"""

from __future__ import annotations

import sys
from pathlib import Path

EXTRA = {"著": "着", "妳": "你", "麽": "么"}
OUT = Path(__file__).resolve().parent.parent / "sftlint" / "traditional.py"


def _pairs(path: Path) -> list[tuple[str, list[str]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        key, values = line.split("\t")
        rows.append((key, values.split()))
    return rows


def _one_bmp(text: str) -> bool:
    return len(text) == 1 and ord(text) < 0x10000


def table(folder: Path) -> dict[str, str]:
    simplified = {key for key, _ in _pairs(folder / "STCharacters.txt")}
    pairs = {t: s[0] for t, s in _pairs(folder / "TSCharacters.txt")
             if _one_bmp(t) and _one_bmp(s[0]) and t != s[0] and t not in simplified}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in _pairs(folder / name):
            target = pairs.get(standard[0])
            if _one_bmp(variant) and variant not in simplified and variant not in pairs \
                    and target and target != variant:
                pairs[variant] = target
    pairs.update(EXTRA)
    return dict(sorted(pairs.items()))


def main() -> None:
    pairs = table(Path(sys.argv[1]))
    flat = "".join(t + s for t, s in pairs.items())
    lines = [f'    "{flat[i:i + 80]}"' for i in range(0, len(flat), 80)]
    OUT.write_text(
        '"""Traditional characters and their Simplified forms, one for one, as pairs: written by\n'
        "scripts/make_traditional_table.py from OpenCC's character tables (Apache-2.0); do not\n"
        'edit by hand."""\n\n'
        "PAIRS = (\n" + "\n".join(lines) + "\n)\n", encoding="utf-8")
    print(f"{len(pairs)} pairs -> {OUT}")


if __name__ == "__main__":
    main()
