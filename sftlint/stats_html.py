"""One self-contained HTML report (inline SVG, no scripts, no network) of `sftlint stats`."""

from __future__ import annotations

import html

from sftlint.stats import DatasetStats, Distribution

WIDTH, HEIGHT, PAD = 560, 220, 36
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:2rem;
color:#1f2328;max-width:1220px}
h1{font-size:1.6rem}h2{font-size:1.1rem;margin:0 0 .5rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:1.2rem}
.card{border:1px solid #d0d7de;border-radius:8px;padding:1rem;background:#fff}
.kpi{display:flex;gap:2rem;margin:1rem 0}.kpi div{font-size:.9rem;color:#57606a}
.kpi b{display:block;font-size:1.5rem;color:#1f2328}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:.2rem .6rem;text-align:left}
tr:nth-child(even){background:#f6f8fa}
svg text{font-size:11px;fill:#57606a}
"""


def _bars(labels: list[str], values: list[float], *, color: str, plot_id: str,
          targets: list[float] | None = None, rotate: bool = False) -> str:
    n = max(len(values), 1)
    top = max([*values, *(targets or []), 1])
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    slot = inner_w / n
    parts = [f'<svg id="{plot_id}" class="plot" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
             'stroke="#8c959f"/>',
             f'<text x="{PAD - 4}" y="{PAD + 4}" text-anchor="end">{top:g}</text>',
             f'<text x="{PAD - 4}" y="{HEIGHT - PAD}" text-anchor="end">0</text>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = inner_h * value / top
        x = PAD + i * slot + slot * 0.1
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{HEIGHT - PAD - h:.1f}" '
                     f'width="{slot * 0.8:.1f}" height="{h:.1f}" fill="{color}">'
                     f"<title>{html.escape(label)}: {value:g}</title></rect>")
        if not rotate or i % max(1, n // 10) == 0:
            lx, ly = x + slot * 0.4, HEIGHT - PAD + 14
            transform = f' transform="rotate(20 {lx:.1f} {ly})"' if rotate else ""
            parts.append(f'<text x="{lx:.1f}" y="{ly}" text-anchor="middle"{transform}>'
                         f"{html.escape(label)}</text>")
        if targets:
            ty = HEIGHT - PAD - inner_h * targets[i] / top
            parts.append(f'<line class="target" x1="{x - 2:.1f}" x2="{x + slot * 0.8 + 2:.1f}" '
                         f'y1="{ty:.1f}" y2="{ty:.1f}" stroke="#cf222e" stroke-width="2" '
                         'stroke-dasharray="4 2"/>')
    parts.append("</svg>")
    return "".join(parts)


def _histogram(dist: Distribution, plot_id: str, color: str) -> str:
    counts, edges = dist.histogram()
    labels = [f"{edges[i]:.0f}-{edges[i + 1]:.0f}" for i in range(len(counts))]
    return _bars(labels, [float(c) for c in counts], color=color, plot_id=plot_id, rotate=True)


def render_html(stats: DatasetStats, title: str) -> str:
    cards = []
    user, assistant = stats.user_chars.summary(), stats.assistant_chars.summary()
    cards.append(_card("User turn length (characters)",
                       _histogram(stats.user_chars, "hist-user", "#0969da"),
                       f"p50 {user['p50']}, p90 {user['p90']}, p99 {user['p99']}, "
                       f"max {user['max']}"))
    cards.append(_card("Assistant turn length (characters)",
                       _histogram(stats.assistant_chars, "hist-assistant", "#1a7f37"),
                       f"p50 {assistant['p50']}, p90 {assistant['p90']}, "
                       f"p99 {assistant['p99']}, max {assistant['max']}"))
    if stats.user_tokens and stats.assistant_tokens:
        cards.append(_card("Assistant turn length (tokens)",
                           _histogram(stats.assistant_tokens, "hist-tokens", "#8250df"), ""))
    if stats.categories:
        names = sorted(set(stats.categories) | set(stats.category_targets))
        targets = [stats.category_targets.get(n, 0.0) for n in names] \
            if stats.category_targets else None
        cards.append(_card("Categories (dashed red: target)",
                           _bars(names, [float(stats.categories[n]) for n in names],
                                 color="#bf8700", plot_id="categories", targets=targets), ""))
    if stats.findings:
        items = sorted(stats.findings.items())
        cards.append(_card("Findings by rule",
                           _bars([c for (c, _, _), _ in items], [float(n) for _, n in items],
                                 color="#cf222e", plot_id="findings"),
                           ", ".join(f"{c} {name}: {n}" for (c, name, _), n in items)))
    dup_rows = "".join(f"<tr><td>{len(g)}</td><td>{html.escape(', '.join(g[:8]))}"
                       f"{' …' if len(g) > 8 else ''}</td></tr>"
                       for g in stats.duplicate_clusters[:50])
    dup = (f'<table id="duplicates"><tr><th>records</th><th>where</th></tr>{dup_rows}</table>'
           if dup_rows else "<p>No duplicate clusters.</p>")
    turns = ", ".join(f"{n} turn(s): {c}" for n, c in sorted(stats.turns.items()))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>sftlint stats: {html.escape(title)}</title>
<style>{CSS}</style></head><body>
<h1>sftlint stats: {html.escape(title)}</h1>
<div class="kpi"><div><b>{stats.records}</b>records</div><div><b>{stats.files}</b>files</div>
<div><b>{sum(stats.findings.values())}</b>findings</div>
<div><b>{len(stats.duplicate_clusters)}</b>duplicate clusters</div></div>
<p>User turns per record: {html.escape(turns)}</p>
<div class="grid">{''.join(cards)}</div>
<h2 style="margin-top:1.5rem">Duplicate clusters</h2>{dup}
</body></html>
"""


def _card(title: str, body: str, caption: str) -> str:
    return (f'<div class="card"><h2>{html.escape(title)}</h2>{body}'
            f'<div style="font-size:.85rem;color:#57606a">{html.escape(caption)}</div></div>')
