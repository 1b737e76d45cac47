"""One self-contained HTML report (inline SVG and CSS, no scripts, no network) of
`sftlint stats`, and the findings section that `sftlint check --format html` writes alone."""

from __future__ import annotations

import html
import math

import numpy as np

from sftlint.reporters import DECEPTIVE
from sftlint.stats import (
    CLUSTERS_SHOWN,
    TEXT_SHOWN,
    Cluster,
    DatasetStats,
    Distribution,
    Example,
    KindStats,
    RuleFindings,
)

# Control characters are not allowed raw in HTML (a browser drops or replaces them): each is
# shown as what it is, C0 and DEL as their Unicode control pictures, C1 as a \x escape.
_VISIBLE_CONTROLS = {c: chr(0x2400 + c) for c in range(32) if chr(c) not in "\t\n"}
_VISIBLE_CONTROLS[0x7F] = "\u2421"
_VISIBLE_CONTROLS.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})
# a surrogate cannot be written as UTF-8: in a file name it stands for a byte that is not
# UTF-8 (surrogateescape), shown as the reports show it (bad\xff.jsonl)
_VISIBLE_CONTROLS.update({c: f"\\x{c - 0xDC00:02x}" if 0xDC80 <= c <= 0xDCFF else f"\\u{c:04x}"
                          for c in range(0xD800, 0xE000)})
# bidirectional overrides, Unicode's line separators, non-characters: as every report
_VISIBLE_CONTROLS.update({c: f"\\u{c:04x}" for c in DECEPTIVE})


def escape(text: str) -> str:
    """`text` for HTML: markup characters escaped, control characters made visible."""
    return html.escape(text).translate(_VISIBLE_CONTROLS)


def refuse_to_overwrite(path: str) -> None:
    """A report replaces only a report: `--html` naming the config, a data file or a device
    (a typo, or /dev/null) must not turn it into a page."""
    from sftlint.config import refuse_to_replace

    refuse_to_replace(path, "an HTML page", lambda head: head.removeprefix(b"\xef\xbb\xbf")
                      .lstrip().lower().startswith((b"<!doctype html", b"<html", b"<!--")))


W = 1100  # the width of every chart's viewBox; charts scale to the page width
SEVERITY_COLOR = {"error": "#cf222e", "warning": "#bf8700"}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:1.5rem;
color:#1f2328;max-width:1180px;line-height:1.45}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
h3{font-size:1rem;margin:.2rem 0 .4rem}
nav a{margin-right:1rem;color:#0969da;text-decoration:none}
.kpi{display:flex;flex-wrap:wrap;gap:2rem;margin:1rem 0}.kpi div{font-size:.85rem;color:#57606a}
.kpi b{display:block;font-size:1.5rem;color:#1f2328}.kpi .error b{color:#cf222e}
.kpi .warning b{color:#9a6700}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.8rem 1rem;background:#fff;
margin:0 0 1rem}
.note{font-size:.85rem;color:#57606a}
svg.plot{width:100%;height:auto;display:block}
svg text{font-size:12px;fill:#57606a}svg text.value{fill:#1f2328}
svg text.limit-label{font-weight:600}
details{border:1px solid #d0d7de;border-radius:6px;margin:.4rem 0;background:#fff}
details>summary{cursor:pointer;padding:.45rem .7rem;list-style-position:inside}
details[open]>summary{border-bottom:1px solid #d0d7de;background:#f6f8fa}
details .body{padding:.4rem .8rem .6rem}
.sev{display:inline-block;font-size:.72rem;font-weight:600;border-radius:10px;
padding:0 .5rem;color:#fff;margin-right:.3rem}.sev.error{background:#cf222e}
.sev.warning{background:#9a6700}
.count{font-weight:600;margin-left:.4rem}
.first{color:#57606a;font-size:.85rem;margin-left:.6rem}
.example{border-top:1px dashed #d0d7de;padding:.5rem 0}.example:first-child{border-top:0}
.where code,.members code{background:#f6f8fa;border-radius:4px;padding:0 .3rem;font-size:.85rem}
.turn{display:grid;grid-template-columns:5.5rem 1fr;gap:.5rem;font-size:.9rem;
padding:.15rem 0;white-space:pre-wrap;word-break:break-word}
.turn .role{color:#57606a;font-size:.8rem;text-align:right;padding-top:.1rem}
.turn.other .text{color:#57606a}
.turn.target .text{border-left:3px solid #d0d7de;padding-left:.5rem}
.turn.target.error .text{border-left-color:#cf222e}
.turn.target.warning .text{border-left-color:#bf8700}
mark.span{background:#ffd8b5;border-bottom:2px solid #cf222e;border-radius:2px;padding:0 1px}
pre.line{white-space:pre-wrap;word-break:break-all;font-size:.8rem;background:#f6f8fa;
padding:.4rem;border-radius:4px;margin:.3rem 0}
.diff{font-size:.9rem;white-space:pre-wrap;word-break:break-word;margin:.3rem 0}
del{background:#ffebe9;color:#82071e;text-decoration:line-through}
ins{background:#dafbe1;color:#116329;text-decoration:none}
.elided{color:#8c959f}
.members{margin:.3rem 0;padding-left:1.2rem;font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .7rem;text-align:left}
th{border-bottom:1px solid #d0d7de}td.num,th.num{text-align:right}
"""


# -- charts ---------------------------------------------------------------------------------

def _nice(step: float) -> int:
    """The smallest 1, 2, 5 x 10^k (at least 1) not below `step`."""
    if step <= 1:
        return 1
    power = 10 ** math.floor(math.log10(step))
    for m in (1, 2, 5, 10):
        if m * power >= step:
            return int(m * power)
    return int(10 * power)


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if abs(n) >= 1 or n == 0 else f"{n:.2g}"


def horizontal_bars(rows: list[tuple[str, float, str]], plot_id: str, *,
                    targets: list[float | None] | None = None, tolerance: float | None = None,
                    href: str | None = None, label_width: int = 260,
                    log: bool | None = None) -> str:
    """One bar per row (label, value, colour), the value written after it; a log scale when
    the values span more than two orders of magnitude (unless `log` says otherwise)."""
    row_h, top_pad = 24, 8
    values = [v for _, v, _ in rows]
    top = max([*values, *(t or 0 for t in targets or []), 1])
    positive = [v for v in values if v > 0]
    if log is None:
        log = bool(positive) and top / min(positive) > 100
    right_pad = 120
    inner = W - label_width - right_pad

    def x(v: float) -> float:
        if v <= 0:
            return 0.0
        return inner * (math.log10(1 + v) / math.log10(1 + top) if log else v / top)

    height = top_pad * 2 + row_h * len(rows) + (16 if log else 0)
    parts = [f'<svg id="{plot_id}" class="plot" viewBox="0 0 {W} {height}" role="img">']
    for i, (label, value, color) in enumerate(rows):
        y = top_pad + i * row_h
        link_open = f'<a href="{href}{escape(label.split()[0])}">' if href else ""
        link_close = "</a>" if href else ""
        parts.append(f'{link_open}<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">'
                     f"{escape(label)}</text>{link_close}")
        w = max(x(value), 2.0 if value > 0 else 0.0)
        parts.append(f'<rect class="bar" x="{label_width}" y="{y + 4}" width="{w:.1f}" '
                     f'height="{row_h - 8}" fill="{color}" rx="2"><title>{escape(label)}: '
                     f"{_fmt(value)}</title></rect>")
        caption = _fmt(value)
        target = targets[i] if targets else None
        if target is not None:
            tx = label_width + x(target)
            if tolerance:
                lo, hi = x(target * (1 - tolerance)), x(target * (1 + tolerance))
                parts.append(f'<rect class="tolerance" x="{label_width + lo:.1f}" y="{y + 1}" '
                             f'width="{hi - lo:.1f}" height="{row_h - 2}" fill="#8c959f" '
                             'fill-opacity=".15"/>')
            parts.append(f'<line class="target" x1="{tx:.1f}" x2="{tx:.1f}" y1="{y + 1}" '
                         f'y2="{y + row_h - 1}" stroke="#1f2328" stroke-width="2" '
                         'stroke-dasharray="3 2"/>')
            caption += f" / {_fmt(target)}"
        end = label_width + max(w, x(target) if target else 0)
        parts.append(f'<text class="value" x="{end + 6:.1f}" y="{y + 16}">{caption}</text>')
    if log:
        parts.append(f'<text x="{label_width}" y="{height - 4}">log scale</text>')
    parts.append("</svg>")
    return "".join(parts)


def histogram(dist: Distribution, plot_id: str, color: str, unit: str,
              limits: list[tuple[str, int, str]]) -> str:
    """Length histogram over the page width: 1-2-5 bin widths, the tail past p99.5 in one
    last bin, and each configured limit as a labelled vertical line
    (label, value, "min" | "max": the line sits where values start to be flagged)."""
    if not dist.values:
        return '<p class="note">No turns.</p>'
    values = np.asarray(dist.values)
    most = int(values.max())
    if most > 1.5 * np.percentile(values, 99.5) + 2:  # a long tail: one bin for it
        most = int(np.percentile(values, 99.5))
    hi = max(most, 1)
    for _, value, kind in limits:
        edge = value + 1 if kind == "max" else value
        if edge <= 2 * max(most, 1):
            hi = max(hi, edge + 1)
    width = _nice(hi / 40)
    nbins = math.ceil((hi + 1) / width)
    clipped = np.minimum(values // width, nbins)  # bin `nbins`: the tail
    counts = np.bincount(clipped, minlength=nbins + 1)
    tail = int(counts[nbins])
    counts = counts[:nbins + (1 if tail else 0)]
    left, right, top_pad, bottom = 56, 20, 34, 40
    height = 250
    inner_w, inner_h = W - left - right, height - top_pad - bottom
    slot = inner_w / len(counts)
    step = _nice(max(int(counts.max()), 1) / 4)  # grid lines at round counts
    peak = step * math.ceil(max(int(counts.max()), 1) / step)
    parts = [f'<svg id="{plot_id}" class="plot" viewBox="0 0 {W} {height}" role="img">']
    for tick in range(step, peak + 1, step):
        gy = height - bottom - inner_h * tick / peak
        parts.append(f'<line x1="{left}" x2="{W - right}" y1="{gy:.1f}" y2="{gy:.1f}" '
                     f'stroke="#eaeef2"/><text x="{left - 6}" y="{gy + 4:.1f}" '
                     f'text-anchor="end">{_fmt(tick)}</text>')
    parts.append(f'<line x1="{left}" x2="{W - right}" y1="{height - bottom}" '
                 f'y2="{height - bottom}" stroke="#8c959f"/>')
    for i, count in enumerate(counts.tolist()):
        lo = i * width
        name = (f"≥{lo}" if tail and i == nbins else
                str(lo) if width == 1 else f"{lo}–{lo + width - 1}")
        h = inner_h * count / peak
        x = left + i * slot
        fill = "#8c959f" if tail and i == nbins else color
        parts.append(f'<rect class="bar" x="{x + 0.5:.1f}" y="{height - bottom - h:.1f}" '
                     f'width="{max(slot - 1, 0.5):.1f}" height="{h:.1f}" fill="{fill}">'
                     f"<title>{escape(name)} {unit}: {count:,} turn(s)</title></rect>")
    every = _nice(len(counts) / 12)
    for i in range(0, len(counts) + (0 if width == 1 else 1), every):
        x = left + i * slot
        text = f"≥{i * width}" if tail and i == nbins else f"{i * width}"
        if width == 1 and i < len(counts):
            x += slot / 2  # a bin of one value: label its middle
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{height - bottom}" '
                     f'y2="{height - bottom + 4}" stroke="#8c959f"/>'
                     f'<text x="{x:.1f}" y="{height - bottom + 17}" text-anchor="middle">'
                     f"{text}</text>")
    parts.append(f'<text x="{W - right}" y="{height - 6}" text-anchor="end">{escape(unit)} '
                 f"per turn (bins of {width})</text>")
    for n, (label, value, kind) in enumerate(limits):
        edge = value + 1 if kind == "max" else value
        x = left + edge / width * slot
        color_ = "#cf222e" if kind == "max" else "#8250df"
        if x > W - right:
            parts.append(f'<text class="limit offscale limit-label" x="{W - right}" '
                         f'y="{14 + 14 * n}" text-anchor="end" style="fill:{color_}">'
                         f"{escape(label)} {value} →</text>")
            continue
        anchor = "end" if x > W / 2 else "start"
        dx = -4 if anchor == "end" else 4
        parts.append(f'<line class="limit" x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad - 6}" '
                     f'y2="{height - bottom}" stroke="{color_}" stroke-width="2" '
                     f'stroke-dasharray="6 3"><title>{escape(label)} {value}</title></line>'
                     f'<text class="limit-label" x="{x + dx:.1f}" y="{14 + 14 * n}" '
                     f'text-anchor="{anchor}" style="fill:{color_}">{escape(label)} {value}'
                     "</text>")
    parts.append("</svg>")
    return "".join(parts)


# -- findings and their examples ------------------------------------------------------------

def _excerpt(text: str, span: tuple[int, int] | None, keep: int) -> str:
    """`text` as HTML, at most about `keep` characters around the span, the span marked."""
    if span is None:
        if len(text) <= keep:
            return escape(text)
        return escape(text[:keep]) + f'<span class="elided"> … (+{len(text) - keep:,})</span>'
    start, end = span
    lo = max(0, start - keep // 2) if len(text) > keep else 0
    hi = min(len(text), max(end + keep // 2, lo + keep))
    out = ['<span class="elided">… </span>' if lo else "",
           escape(text[lo:start]), f'<mark class="span">{escape(text[start:end])}</mark>',
           escape(text[end:hi]),
           f'<span class="elided"> … (+{len(text) - hi:,})</span>' if hi < len(text) else ""]
    return "".join(out)


def _example(e: Example) -> str:
    f = e.finding
    place = f.path + (f":{f.line}" if f.line is not None else "") + \
        (f":{f.column}" if f.column is not None and f.line is not None else "")
    parts = [f'<div class="example"><div class="where"><code>{escape(place)}</code> '
             f"{escape(f.message)}</div>"]
    if e.turns:
        around = range(len(e.turns))
        if len(e.turns) > 6:  # long conversations: the flagged turn and its neighbours
            t = e.target if e.target is not None else len(e.turns) - 1
            around = range(max(0, t - 2), min(len(e.turns), t + 3))
        if around.start:
            parts.append(f'<div class="note">… {around.start} earlier turn(s)</div>')
        for i in around:
            turn = e.turns[i]
            target = i == e.target
            cls = f"turn target {f.severity.value}" if target else "turn other"
            keep = TEXT_SHOWN if target else (80 if turn.role == "system" else 240)
            text = _excerpt(turn.text, e.span if target else None, keep)
            parts.append(f'<div class="{cls}"><span class="role">{escape(turn.role)}</span>'
                         f'<span class="text">{text}</span></div>')
        if around.stop < len(e.turns):
            parts.append(f'<div class="note">… {len(e.turns) - around.stop} later turn(s)</div>')
    elif e.line_text is not None:
        span = None
        if f.column is not None and f.column - 1 < len(e.line_text):
            span = (f.column - 1, min(len(e.line_text), f.column - 1 + (f.length or 1)))
        parts.append(f'<pre class="line">{_excerpt(e.line_text, span, 400)}</pre>')
    parts.append("</div>")
    return "".join(parts)


def findings_section(rules: list[RuleFindings]) -> str:
    """Findings by rule: sorted bars, then each rule's first findings with their records."""
    if not rules:
        return '<h2 id="findings-by-rule">Findings</h2><p>No findings.</p>'
    chart = horizontal_bars(
        [(f"{r.code} {r.name}", float(r.count), SEVERITY_COLOR.get(r.severity, "#57606a"))
         for r in rules], "findings", href="#rule-")
    blocks = []
    for n, r in enumerate(rules):
        shown = "".join(_example(e) for e in r.examples)
        more = r.count - len(r.examples)
        note = (f'<p class="note">{more:,} more finding(s) of {r.code} not shown '
                f"(`sftlint check --select {r.code}` lists them all).</p>" if more > 0 else "")
        first = r.examples[0].finding.message if r.examples else ""
        first = first if len(first) <= 90 else first[:89] + "…"
        blocks.append(f'<details class="rule" id="rule-{r.code}"{" open" if n == 0 else ""}>'
                      f'<summary><span class="sev {r.severity}">{r.severity}</span>'
                      f'<b>{r.code}</b> {escape(r.name)}<span class="count">{r.count:,}</span>'
                      f'<span class="first">{escape(first)}</span></summary>'
                      f'<div class="body">{shown}{note}</div></details>')
    return (f'<h2 id="findings-by-rule">Findings by rule</h2>'
            f'<div class="card">{chart}<p class="note">Red: errors; amber: warnings. '
            "Each rule below shows its first findings with the record, the flagged text "
            "marked.</p></div>" + "".join(blocks))


# -- duplicates -----------------------------------------------------------------------------

def _diff(ops: list[tuple[str, str]]) -> str:
    out = []
    for op, text in ops:
        if op == "=":
            if len(text) > 90:  # long shared runs: keep the edges
                text_html = (escape(text[:40]) + f'<span class="elided"> …{len(text) - 80}… '
                             "</span>" + escape(text[-40:]))
            else:
                text_html = escape(text)
            out.append(text_html)
        else:
            out.append(f"<{'del' if op == '-' else 'ins'}>{escape(text)}"
                       f"</{'del' if op == '-' else 'ins'}>")
    return "".join(out)


def _short(place: str, path: str) -> str:
    """"path:line" as "line N" where the path is the one already named."""
    where, _, line = place.rpartition(":")
    return f"line {line}" if where == path else place


def _cluster(c: Cluster, n: int) -> str:
    kind = "exact duplicates" if c.exact else "near-duplicates"
    preview = (c.user + " ⏎ " + c.assistant).strip()
    preview = preview if len(preview) <= 100 else preview[:99] + "…"
    members = "".join(
        f"<li><code>{escape(path)}</code> line{'s' if len(lines) > 1 else ''} "
        f"{', '.join(str(x) for x in lines)}</li>" for path, lines in c.files)
    if c.hidden:
        members += f'<li class="note">{c.hidden:,} more record(s) not listed</li>'
    first_path = c.files[0][0] if c.files else ""
    diffs = "".join(
        f'<div class="diff"><code>{escape(_short(place, first_path))}</code> {sim:g}% similar: '
        f"{_diff(ops)}</div>" for place, sim, ops in c.diffs)
    if diffs:
        diffs = ('<h3>Differences from the first record</h3>' + diffs)
    return (f'<details class="cluster" id="cluster-{n}"{" open" if n == 1 else ""}>'
            f"<summary><b>{c.size:,} records</b>, {kind}: "
            f'<span class="first">{escape(preview)}</span></summary><div class="body">'
            f'<div class="turn target"><span class="role">user</span>'
            f'<span class="text shared">{_excerpt(c.user, None, TEXT_SHOWN)}</span></div>'
            f'<div class="turn target"><span class="role">assistant</span>'
            f'<span class="text shared">{_excerpt(c.assistant, None, TEXT_SHOWN)}</span></div>'
            f'<ul class="members">{members}</ul>{diffs}</div></details>')


def duplicates_section(stats: DatasetStats) -> str:
    total = len(stats.duplicate_clusters)
    head = '<h2 id="duplicates">Duplicate clusters</h2>'
    if not total:
        return head + "<p>No duplicate clusters.</p>"
    in_clusters = sum(len(g) for g in stats.duplicate_clusters)
    shown = "".join(_cluster(c, n) for n, c in enumerate(stats.clusters_shown, 1))
    more = total - len(stats.clusters_shown)
    note = (f'<p class="note">{more:,} smaller cluster(s) not shown (at most '
            f"{CLUSTERS_SHOWN}; `sftlint stats --format json` lists them all).</p>"
            if more > 0 else "")
    return (head + f'<p class="note">{total:,} cluster(s) holding {in_clusters:,} records, '
            "largest first. The text is compared after whitespace is normalized; "
            "near-duplicates show a character diff against the cluster's first record.</p>"
            + shown + note)


# -- the page -------------------------------------------------------------------------------

def _card(title: str, body: str, caption: str = "") -> str:
    caption_html = f'<p class="note">{escape(caption)}</p>' if caption else ""
    return f'<div class="card"><h3>{escape(title)}</h3>{body}{caption_html}</div>'


def _summary(dist: Distribution) -> str:
    s = dist.summary()
    return f"p50 {s['p50']:,}, p90 {s['p90']:,}, p99 {s['p99']:,}, max {s['max']:,}"


def lengths_section(stats: DatasetStats) -> str:
    lim = stats.limits
    user_limits = [(label, v, kind) for label, v, kind in (
        ("U002 min-chars", lim.user_min_chars, "min"),
        ("U001 max-chars", lim.user_max_chars, "max")) if v is not None]
    reply_limits = [(label, v, kind) for label, v, kind in (
        ("A003 min-chars", lim.assistant_min_chars, "min"),
        ("A003 max-chars", lim.assistant_max_chars, "max")) if v is not None]
    cards = [_card("User turn length (characters)",
                   histogram(stats.user_chars, "hist-user", "#0969da", "characters",
                             user_limits), _summary(stats.user_chars)),
             _card("Assistant turn length (characters)",
                   histogram(stats.assistant_chars, "hist-assistant", "#1a7f37", "characters",
                             reply_limits), _summary(stats.assistant_chars))]
    token_limits = ([("[tokens] max-length", lim.max_tokens, "max")]
                    if lim.max_tokens is not None else [])
    if stats.user_tokens and stats.assistant_tokens:
        cards.append(_card("User turn length (tokens)",
                           histogram(stats.user_tokens, "hist-user-tokens", "#0969da",
                                     "tokens", token_limits), _summary(stats.user_tokens)))
        cards.append(_card("Assistant turn length (tokens)",
                           histogram(stats.assistant_tokens, "hist-tokens", "#8250df",
                                     "tokens", token_limits), _summary(stats.assistant_tokens)))
    note = ('<p class="note">Dashed lines: the configured limits (red: a maximum, purple: a '
            "minimum), drawn where turns start to be flagged. "
            "A grey last bin, where there is one, holds the long tail (the longest 0.5%).</p>")
    return '<h2 id="lengths">Lengths</h2>' + note + "".join(cards)


MAX_CATEGORY_BARS = 60  # the configured ones first, then the most common others
MAX_LABEL = 80  # characters of a category's name drawn (its bar's tooltip too)


def categories_section(stats: DatasetStats) -> str:
    if not stats.categories:
        return ""
    others = sorted((n for n in stats.categories if n not in stats.category_targets),
                    key=lambda n: (-stats.categories[n], n))
    names = [*stats.category_targets, *others][:MAX_CATEGORY_BARS]
    tolerance = stats.limits.tolerance
    rows, targets = [], []
    for n in names:
        count, target = stats.categories[n], stats.category_targets.get(n)
        off = target is None or (abs(count - target) > (tolerance or 0) * target
                                 if target else count > 0)
        label = n if len(n) <= MAX_LABEL else n[:MAX_LABEL - 1] + "…"
        rows.append((label, float(count), "#cf222e" if off else "#1a7f37"))
        targets.append(target)
    chart = horizontal_bars(rows, "categories", targets=targets, tolerance=tolerance, log=False)
    caption = ("Bar: records; dashed line: target; grey band: target ± tolerance "
               f"({tolerance:.0%}); red: outside it." if tolerance is not None else
               "Bar: records; dashed line: target.")
    left = [n for n in stats.categories if n not in names]
    if left:  # data with thousands of distinct values (free text in the field) stays small
        caption += (f" {len(left)} more categories ({sum(stats.categories[n] for n in left)} "
                    "records) are not drawn.")
    return '<h2 id="categories-section">Categories</h2>' + _card("Records per category",
                                                                  chart, caption)


def kinds_section(kinds: KindStats) -> str:
    """Tool calls, reasoning, preference pairs and media: shown only where data has them."""
    if not kinds.any():
        return ""
    cards = []
    if kinds.tool_calls:
        rows = [(name, float(n), "#0969da") for name, n in kinds.tool_calls.most_common(30)]
        more = len(kinds.tool_calls) - len(rows)
        cards.append(_card("Tool calls per function", horizontal_bars(rows, "tool-calls"),
                           f"{sum(kinds.tool_calls.values()):,} call(s) to "
                           f"{len(kinds.tool_calls):,} function(s)"
                           + (f"; {more:,} more not shown" if more > 0 else "")))
    if kinds.replies_with_reasoning:
        share = kinds.replies_with_reasoning / max(kinds.replies, 1)
        cards.append(_card("Replies with reasoning",
                           f'<p id="reasoning-share"><b>{share:.1%}</b> of {kinds.replies:,} '
                           f"assistant replies ({kinds.replies_with_reasoning:,}) carry "
                           "reasoning.</p>"))
    if kinds.pair_similarity.values:
        p = kinds.pair_similarity
        cells = "".join(f'<td class="num">{p.percentile(q)}</td>' for q in (10, 50, 90, 99))
        cards.append(_card("Chosen vs rejected similarity (%)",
                           '<table id="pair-similarity"><tr><th class="num">p10</th>'
                           '<th class="num">p50</th><th class="num">p90</th>'
                           f'<th class="num">p99</th></tr><tr>{cells}</tr></table>',
                           f"{len(p.values):,} pair(s); near 100 means the pair teaches "
                           "little (V001, V002)."))
    if kinds.media:
        rows_html = "".join(f'<tr><td>{escape(kind)}</td><td class="num">{n:,}</td></tr>'
                            for kind, n in kinds.media.most_common())
        cards.append(_card("Media references", f'<table id="media">{rows_html}</table>'))
    return '<h2 id="kinds">Tools, reasoning, pairs, media</h2>' + "".join(cards)


def _page(title: str, kpis: list[tuple[str, str, str]], nav: list[tuple[str, str]],
          body: str) -> str:
    kpi_html = "".join(f'<div class="{cls}"><b>{value}</b>{escape(label)}</div>'
                       for value, label, cls in kpis)
    nav_html = "".join(f'<a href="#{anchor}">{escape(label)}</a>' for anchor, label in nav)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style></head><body>
<h1>{escape(title)}</h1>
<div class="kpi">{kpi_html}</div>
<nav>{nav_html}</nav>
{body}
</body></html>
"""


def _finding_kpis(rules: list[RuleFindings]) -> list[tuple[str, str, str]]:
    errors = sum(r.count for r in rules if r.severity == "error")
    warnings = sum(r.count for r in rules if r.severity != "error")
    return [(f"{errors:,}", "errors", "error"), (f"{warnings:,}", "warnings", "warning")]


def render_html(stats: DatasetStats, title: str) -> str:
    turns = ", ".join(f"{n} turn(s): {c:,}" for n, c in sorted(stats.turns.items()))
    kpis = [(f"{stats.records:,}", "records", ""), (f"{stats.files:,}", "files", ""),
            *_finding_kpis(stats.rule_findings),
            (f"{len(stats.duplicate_clusters):,}", "duplicate clusters", "")]
    nav = [("findings-by-rule", "Findings"), ("lengths", "Lengths")]
    if stats.categories:
        nav.append(("categories-section", "Categories"))
    nav.append(("duplicates", "Duplicates"))
    if stats.kinds.any():
        nav.append(("kinds", "Tools, reasoning, pairs, media"))
    body = (f'<p class="note">User turns per record: {escape(turns)}</p>'
            + findings_section(stats.rule_findings) + lengths_section(stats)
            + categories_section(stats) + duplicates_section(stats)
            + kinds_section(stats.kinds))
    return _page(f"sftlint stats: {title}", kpis, nav, body)


def render_findings_html(rules: list[RuleFindings], title: str, files: int,
                         records: int) -> str:
    """The findings section alone (`sftlint check --format html`), as one page."""
    kpis = [(f"{records:,}", "records", ""), (f"{files:,}", "files", ""), *_finding_kpis(rules)]
    return _page(f"sftlint check: {title}", kpis, [], findings_section(rules))
