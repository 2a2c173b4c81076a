"""``index.html`` of a corpus run: one table row per story, most contested first, linking to each story's report.

Self-contained and script-free (one inline style, allowed by its hash in the Content-Security-Policy, as the
story reports do), with every value escaped by Jinja2's autoescaping: titles and outlet names come from the
feed and may hold markup. Article text never appears here, only in the story reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import Environment

from checker.output.html_report import csp_hash, isolated_plain, show_bidi_controls

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 75rem; padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { font-weight: 600; background: #f4f4f4; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.error { color: #a40000; font-weight: 600; }
.warning { color: #8a5a00; }
.muted { color: #666; }
meter { width: 4rem; }
""".strip()

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src {{ style_hash }}; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>factcheck corpus: {{ stories }} stories</title>
<style>{{ css | safe }}</style>
</head>
<body>
<h1>Stories, most contested first</h1>
<p class="muted">{{ articles }} articles in {{ stories }} stories; {{ compared }} compared, {{ single }} with one article only.
Contested: the share of the findings about shared facts that are conflicts (errors count 1, warnings 0.5; agreements 0).</p>
<table>
<thead><tr><th>contested</th><th>story</th><th>articles</th><th>outlets</th><th>dates</th><th>errors</th><th>warnings</th><th>info</th></tr></thead>
<tbody>
{% for e in entries %}<tr>
<td class="n"><meter min="0" max="1" value="{{ e.contested }}"></meter> {{ "%.2f" | format(e.contested) }}</td>
<td>{% if e.html %}<a href="{{ e.html }}">{{ e.title_shown }}</a>{% else %}{{ e.title_shown }} <span class="muted">({{ e.status }})</span>{% endif %}
<br><span class="muted">{{ e.id }}</span>{% if e.error %}<br><span class="error">{{ e.error }}</span>{% endif %}</td>
<td class="n">{{ e.size }}{% if e.left_out %} <span class="muted">({{ e.left_out | length }} not compared)</span>{% endif %}</td>
<td>{{ e.outlets_shown }}</td>
<td>{{ e.dates }}</td>
<td class="n{% if e.findings.error %} error{% endif %}">{{ e.findings.error }}</td>
<td class="n{% if e.findings.warning %} warning{% endif %}">{{ e.findings.warning }}</td>
<td class="n">{{ e.findings.info }}</td>
</tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    first, last = entry.get("first_date"), entry.get("last_date")
    dates = "" if not first else first if first == last else f"{first} – {last}"
    title = entry.get("title") or (entry["articles"][0] if entry.get("articles") else entry["id"])
    outlets = ", ".join(show_bidi_controls(o) for o in entry.get("outlets") or []) or "–"
    return {**entry, "title_shown": isolated_plain(title), "outlets_shown": outlets, "dates": dates}


def render_index(entries: Sequence[dict[str, Any]]) -> str:
    """The index page for ``entries`` (already in index order)."""
    template = Environment(autoescape=True, keep_trailing_newline=True).from_string(TEMPLATE)
    rows = [_row(e) for e in entries]
    return template.render(
        css=CSS,
        style_hash=csp_hash(CSS),
        entries=rows,
        stories=len(rows),
        articles=sum(e.get("size", 0) for e in rows),
        compared=sum(e.get("status") == "compared" for e in rows),
        single=sum(e.get("status") == "single" for e in rows),
    )
