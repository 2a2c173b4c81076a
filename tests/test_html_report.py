"""Unit tests of the HTML report's template data and output (no browser)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.errors import UsageError
from checker.output.html_report import (
    build_context,
    document_paragraphs,
    claim_marks,
    json_for_script,
    render_html,
    write_html,
)
from checker.types import Claim, Document, Finding, Report

TEXT_A = (
    "Subscribe to our newsletter\n\n"
    "Officials met in Riyadh on Tuesday. The talks lasted four hours.\n\n"
    "Lavrov said the meeting was useful. Rubio met Saudi officials first.\n\n"
    "A heading without a stop\n\nRead more"
)
TEXT_B = "Officials met in Riyadh on Wednesday. The talks lasted two hours. Peskov declined to comment."


def _doc(doc_id: str, text: str, sentences: list[str], body: list[tuple[int, int]] | None = None, **meta) -> Document:
    doc = Document(id=doc_id, path=Path(f"/news/{doc_id}.txt"), raw_text=text, body_spans=body if body is not None else [(0, len(text))], **meta)
    for i, s in enumerate(sentences):
        start = text.index(s)
        doc.claims.append(Claim(f"{doc_id}{i}", doc_id, i, start, start + len(s), s))
    return doc


def small_report() -> Report:
    body_a = (TEXT_A.index("Officials"), TEXT_A.index("Read more"))
    a = _doc(
        "a",
        TEXT_A,
        [
            "Officials met in Riyadh on Tuesday.",
            "The talks lasted four hours.",
            "Lavrov said the meeting was useful.",
            "Rubio met Saudi officials first.",
            "A heading without a stop",
        ],
        [body_a],
        title="Talks in Riyadh",
        source="Example Times",
        date=date(2025, 2, 17),
    )
    b = _doc("b", TEXT_B, ["Officials met in Riyadh on Wednesday.", "The talks lasted two hours.", "Peskov declined to comment."], title="Riyadh talks", source="Wire")
    findings = [
        Finding("f1", "different_time", "info", "FC203", "Tuesday vs Wednesday.", ["a0", "b0"], {"contradiction": 0.4}, "time", {"a": date(2025, 2, 18), "b": date(2025, 2, 19)}),
        Finding(
            "f2",
            "numeric_mismatch",
            "error",
            "FC201",
            "Four hours vs two hours.",
            ["a1", "b1"],
            {"contradiction": 0.93, "odd": float("nan")},
            "number",
            {"values": [4, 2], "unit": "hour"},
        ),
        Finding("f3", "agreement", "info", "FC001", "Both say they met.", ["a0", "b0"], {"entailment": 0.7}),
        Finding("f4", "only_in_a", "info", "FC301", "Only A quotes Lavrov.", ["a2"], check="alignment"),
        Finding("f5", "disputed", "warning", "FC103", "Missing claim id.", ["a3", "zz9"], check="attribution"),
    ]
    return Report([a, b], findings, models={"nli": "tiny"}, timings={"total": 0.5})


class Tree(HTMLParser):
    """Collects tags, attributes, scripts/styles and text with whether it sits in a .doc-text."""

    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self.styles: list[str] = []
        self.text: list[tuple[str, bool]] = []  # (data, inside .doc-text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag not in self.VOID:
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if not self.stack:
            return
        tag, attrs = self.stack[-1]
        if tag == "script":
            self.scripts.append((attrs, data))
        elif tag == "style":
            self.styles.append(data)
        else:
            inside = any("doc-text" in (a.get("class") or "").split() for _, a in self.stack)
            self.text.append((data, inside))


def parse(html: str) -> Tree:
    t = Tree()
    t.feed(html)
    t.close()
    return t


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(small_report())


# ------------------------------------------------------------------------------ claims -> spans


def test_linked_claims_become_spans_with_kind_and_severity():
    report = small_report()
    ctx = build_context(report)
    a = ctx["docs"][0]
    pieces = [p for para in a.paragraphs for p in para.pieces]
    by_claim = {p.claim: p for p in pieces if p.claim}
    # only claims that take part in a finding are wrapped; a4 (no finding) is plain text
    assert set(by_claim) == {"a0", "a1", "a2", "a3"}
    doc = report.documents[0]
    for cid, piece in by_claim.items():
        claim = next(c for c in doc.claims if c.id == cid)
        assert piece.text == doc.raw_text[claim.start : claim.end]
    # a0 takes part in two findings: both ids, both kinds, the higher severity wins
    a0 = by_claim["a0"]
    assert a0.fids == "f1 f3"
    assert {"hl", "sev-info", "t-info", "k-different_time", "k-agreement", "first"} <= set(a0.cls.split())
    assert "different time (FC203)" in a0.tip and "agreement (FC001)" in a0.tip
    assert {"sev-error", "t-error", "k-numeric_mismatch"} <= set(by_claim["a1"].cls.split())
    assert {"only", "t-only", "k-only_in_a"} <= set(by_claim["a2"].cls.split())
    assert {"sev-warning", "t-warning"} <= set(by_claim["a3"].cls.split())
    # the paragraph text is exactly the body text, nothing lost or duplicated
    shown = "\n\n".join("".join(p.text for p in para.pieces) for para in a.paragraphs)
    assert shown == TEXT_A[TEXT_A.index("Officials") : TEXT_A.index("Read more")].strip()
    assert "Subscribe" not in shown and "Read more" not in shown
    # agreement-only claims are green
    b0 = build_context(Report(report.documents, [report.findings[2]]))["docs"][1].paragraphs[0].pieces[0]
    assert "t-agree" in b0.cls.split()


def test_claim_across_paragraphs_is_split_into_fragments():
    text = "First line of a claim\nthat goes on. Next one."
    doc = _doc("a", text, ["First line of a claim\nthat goes on.", "Next one."])
    finding = Finding("f1", "only_in_a", "info", "FC301", "m", ["a0"])
    paragraphs, unrendered = document_paragraphs(doc, claim_marks(Report([doc], [finding])))
    assert unrendered == []
    frags = [p for para in paragraphs for p in para.pieces if p.claim == "a0"]
    assert [f.text for f in frags] == ["First line of a claim", "that goes on."]
    assert [f.first for f in frags] == [True, False]
    assert "first" in frags[0].cls.split() and "first" not in frags[1].cls.split()


def test_linked_claim_outside_body_is_still_shown_and_bad_offsets_reported():
    text = "Boilerplate header. Body sentence one. Footer junk."
    doc = _doc("a", text, ["Boilerplate header.", "Body sentence one.", "Footer junk."], body=[(text.index("Body"), text.index(" Footer"))])
    doc.claims.append(Claim("bad", "a", 9, 500, 600, "gone"))
    findings = [Finding("f1", "only_in_a", "info", "FC301", "m", ["a2", "bad"])]
    paragraphs, unrendered = document_paragraphs(doc, claim_marks(Report([doc], findings)))
    shown = [p.text for para in paragraphs for p in para.pieces]
    assert "Footer junk." in shown and "Boilerplate header." not in shown
    assert unrendered == ["bad"]
    ctx = build_context(Report([doc], findings))
    assert ctx["docs"][0].unrendered == ["bad"]


def test_gap_marker_between_body_spans_and_empty_body_spans_mean_whole_text():
    text = "Para one.\n\nAd: buy now!\n\nPara two."
    doc = _doc("a", text, ["Para one.", "Para two."], body=[(0, 9), (text.index("Para two"), len(text))])
    paragraphs, _ = document_paragraphs(doc, {})
    assert [p.gap_before for p in paragraphs] == [False, True]
    doc.body_spans = []
    paragraphs, _ = document_paragraphs(doc, {})
    assert ["".join(x.text for x in p.pieces) for p in paragraphs] == ["Para one.", "Ad: buy now!", "Para two."]


def test_overlapping_claims_do_not_duplicate_text():
    text = "Alpha beta gamma delta."
    doc = Document("a", Path("a.txt"), text, [(0, len(text))])
    doc.claims = [Claim("a0", "a", 0, 0, 16, text[:16]), Claim("a1", "a", 1, 6, 23, text[6:])]
    findings = [Finding("f1", "only_in_a", "info", "FC301", "m", ["a0", "a1"])]
    paragraphs, unrendered = document_paragraphs(doc, claim_marks(Report([doc], findings)))
    assert "".join(p.text for p in paragraphs[0].pieces) == text
    assert unrendered == []


# ------------------------------------------------------------------------------ output safety


HOSTILE = 'Hi <script>alert(1)</script> and <img src=x onerror=alert(1)> and <a href="javascript:alert(1)">x</a> see https://evil.example/a.js and </script><!-- -->.'


def hostile_report() -> Report:
    a = _doc("a", HOSTILE, [HOSTILE], title="<script>alert('t')</script>", source='"><img src=x onerror=alert(2)>')
    b = _doc("b", "Plain text here.", ["Plain text here."], title="Plain")
    findings = [Finding("f1", "contradiction", "error", "FC101", "</script><script>alert(3)</script>", ["a0", "b0"], {"contradiction": 0.9}, "nli", {"x": "<!-- </script>"})]
    return Report([a, b], findings)


def test_article_text_is_escaped():
    out = render_html(hostile_report())
    tree = parse(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    tags = {t for t, _ in tree.tags}
    assert tags <= {
        "html",
        "head",
        "meta",
        "title",
        "link",
        "style",
        "body",
        "header",
        "h1",
        "span",
        "div",
        "button",
        "b",
        "main",
        "aside",
        "input",
        "select",
        "option",
        "ol",
        "section",
        "p",
        "kbd",
        "article",
        "h2",
        "time",
        "footer",
        "script",
        "bdi",
    }
    for tag, attrs in tree.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcdoc", "action", "formaction")
            if name == "href":
                assert (tag, value) == ("link", "data:,")
            assert "javascript:" not in (value or "")
    # the hostile text is there, as text
    text = "".join(d for d, _ in tree.text)
    assert "<script>alert(1)</script>" in text and "<script>alert('t')</script>" in text


def test_exactly_one_inline_script_and_one_json_block():
    out = render_html(hostile_report())
    tree = parse(out)
    kinds = [a.get("type") for a, _ in tree.scripts]
    assert kinds == ["application/json", None]
    assert out.count("<script") == 2
    data_src = tree.scripts[0][1]
    assert "</" not in data_src and "<!--" not in data_src and "<" not in data_src
    data = json.loads(data_src)
    assert data["findings"][0]["message"] == "</script><script>alert(3)</script>"
    assert data["findings"][0]["details"] == {"x": "<!-- </script>"}


def test_json_for_script_escapes_dangerous_sequences():
    s = str(json_for_script({"a": "</script>\u2028<!--&", "n": float("inf")}))
    assert "<" not in s and ">" not in s and "&" not in s and "\u2028" not in s
    assert json.loads(s) == {"a": "</script>\u2028<!--&", "n": None}


def _csp(out: str) -> str:
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', out)
    assert m, "no CSP meta"
    return m.group(1).replace("&#39;", "'")


def test_csp_forbids_remote_loads_and_hashes_match(html):
    head = html[: html.index("</head>")]
    # the CSP comes before anything that could load or run
    assert head.index("Content-Security-Policy") < min(head.index("<style"), head.index("<link"))
    csp = dict(d.strip().split(" ", 1) for d in _csp(html).split(";"))
    assert csp["default-src"] == "'none'"
    assert csp["img-src"] == "data:"
    assert csp["base-uri"] == "'none'" and csp["form-action"] == "'none'"
    assert "unsafe-inline" not in _csp(html) and "http" not in _csp(html) and "*" not in _csp(html)
    tree = parse(html)

    def sha(src: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(src.encode()).digest()).decode() + "'"

    assert csp["script-src"] == sha(tree.scripts[1][1])
    assert csp["style-src"] == sha(tree.styles[0])


def test_no_remote_urls_outside_article_text():
    out = render_html(hostile_report())
    tree = parse(out)
    assert re.search(r"https?://", out)  # the article's URL is there, as text
    for data, inside in tree.text:
        if re.search(r"https?://", data):
            assert inside, data
    for _, attrs in tree.tags:
        for value in attrs.values():
            assert not re.search(r"https?:|^//|ftp:|javascript:", value or "", re.I), value
    for src in tree.styles + [s for a, s in tree.scripts if a.get("type") is None]:
        assert not re.search(r"https?:|//[a-z]|url\(|@import", src, re.I)
    # the data block carries no URL either (the article text is not in it)
    assert not re.search(r"https?:", tree.scripts[0][1])
    # the fixture report has no URL anywhere
    assert not re.search(r"https?://", render_html(small_report()))


def test_url_in_metadata_is_text_not_a_link():
    report = small_report()
    report.documents[1].title = "https://example.com/story"
    report.documents[1].source = "http://example.com"
    tree = parse(render_html(report))
    assert not any(t == "a" for t, _ in tree.tags)
    assert "https://example.com/story" in "".join(d for d, _ in tree.text)


# ------------------------------------------------------------------------------ data and layout


def test_findings_json(html):
    data = json.loads(parse(html).scripts[0][1])
    f = {x["id"]: x for x in data["findings"]}
    assert list(f) == ["f1", "f2", "f3", "f4", "f5"]
    assert f["f2"]["severity"] == "error" and f["f2"]["tone"] == "error"
    assert f["f2"]["rule"] == "FC201" and f["f2"]["ruleName"] == "numeric-mismatch"
    assert f["f2"]["scores"] == {"contradiction": 0.93, "odd": None}  # NaN is not valid JSON
    assert f["f2"]["check"] == "number" and f["f2"]["details"] == {"values": [4, 2], "unit": "hour"}
    assert f["f1"]["details"] == {"a": "2025-02-18", "b": "2025-02-19"}
    assert f["f1"]["docs"] == ["a", "b"] and f["f4"]["docs"] == ["a"]
    assert f["f4"]["kindLabel"] == "only in A" and f["f4"]["tone"] == "only"
    assert f["f3"]["tone"] == "agree"
    assert f["f5"]["missing"] == ["zz9"]
    assert data["claimDocs"] == {"a0": "a", "a1": "a", "a2": "a", "a3": "a", "b0": "b", "b1": "b"}
    assert [d["id"] for d in data["documents"]] == ["a", "b"]
    assert data["documents"][0]["date"] == "2025-02-17"
    assert data["rules"]["FC101"]["name"] == "contradiction"


def test_document_metadata_and_columns(html):
    tree = parse(html)
    articles = [a for t, a in tree.tags if t == "article"]
    assert [a["data-doc"] for a in articles] == ["a", "b"]
    text = "".join(d for d, _ in tree.text)
    for s in ("Talks in Riyadh", "Example Times", "2025-02-17", "/news/a.txt", "Riyadh talks", "Wire"):
        assert s in text
    spans = [a for t, a in tree.tags if t == "span" and "data-claim" in a]
    assert {a["data-claim"] for a in spans} == {"a0", "a1", "a2", "a3", "b0", "b1"}
    assert "<title>factcheck: \u2068Talks in Riyadh\u2069 vs \u2068Riyadh talks\u2069</title>" in html


def test_three_documents_three_columns():
    report = small_report()
    report.documents.append(_doc("c", "Third text.", ["Third text."]))
    report.findings.append(Finding("f9", "only_in_c", "info", "FC301", "m", ["c0"]))
    out = render_html(report)
    assert out.count('<article class="doc"') == 3
    data = json.loads(parse(out).scripts[0][1])
    assert data["findings"][-1]["kindLabel"] == "only in C"


def test_output_is_deterministic():
    assert render_html(small_report()) == render_html(small_report())


def test_write_html(tmp_path):
    path = tmp_path / "report.html"
    write_html(small_report(), path)
    out = path.read_text(encoding="utf-8")
    assert out.startswith("<!doctype html>") and out.rstrip().endswith("</html>")
    assert list(tmp_path.iterdir()) == [path]
    with pytest.raises(UsageError):
        write_html(small_report(), tmp_path / "missing" / "report.html")


def test_empty_report_renders():
    out = render_html(Report([], []))
    assert "0 findings" in out and "<title>factcheck report</title>" in out
    assert '<html lang="en">' in out  # data-ready is set by the script at load, not in the markup


# ------------------------------------------------------------------------------ reproducible output, footer


def _footer(out: str) -> str:
    return " ".join(out[out.index('<footer class="foot">') : out.index("</footer>")].split())


def test_footer_prints_seconds_for_durations_and_a_plain_count_for_nli_pairs():
    report = small_report()
    report.timings = {"analyse": 0.25, "nli": 3.5, "nli_pairs": 194}
    foot = _footer(render_html(report, reproducible=False))
    assert "analyse 0.25s, nli 3.50s" in foot
    assert "nli_pairs 194" in foot and "194.00" not in foot and "nli_pairs 194.00s" not in foot


def test_reproducible_mode_drops_durations_and_gives_identical_bytes(monkeypatch):
    first, second = small_report(), small_report()
    first.timings = {"analyse": 0.25, "nli": 3.5, "nli_pairs": 194}
    second.timings = {"analyse": 0.31, "nli": 2.75, "nli_pairs": 194}
    assert render_html(first, reproducible=False) != render_html(second, reproducible=False)
    out = render_html(first, reproducible=True)
    assert out == render_html(second, reproducible=True)
    assert "0.25" not in out and "3.50" not in out and "nli_pairs 194" in _footer(out)
    assert json.loads(parse(out).scripts[0][1])["timings"] == {"nli_pairs": 194}
    # SOURCE_DATE_EPOCH (the reproducible-builds convention) turns the mode on by default
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert render_html(first) == out == render_html(second)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert render_html(first) != render_html(second)


# ------------------------------------------------------------------------------ bidirectional text

RLO, PDF = "\u202e", "\u202c"
SPOOF = f"Attachment photo_{RLO}gnp.exe was sent."  # displays as "photo_exe.png" inside its isolate


def bidi_report() -> Report:
    text = f"{SPOOF} Officials met on Tuesday. A third sentence {RLO}with an override."
    a = _doc("a", text, [SPOOF, "Officials met on Tuesday."], title=f"Invoice {RLO}fdp.exe", source=f"Wire{RLO} desk")
    b = _doc("b", TEXT_B, ["Officials met in Riyadh on Wednesday."], title="Riyadh talks")
    findings = [
        Finding(
            "f1",
            "contradiction",
            "error",
            "FC101",
            f"a0 and b0 contradict each other: '{SPOOF}' vs 'Officials met'",
            ["a0", "b0"],
            {"contradiction": 0.9},
            "nli",
            {"quote": f"x{RLO}y", "nested": [f"{RLO}z"]},
        )
    ]
    return Report([a, b], findings)


class Isolation(HTMLParser):
    """Each text run inside a .doc-text paragraph, with whether an isolating element encloses it
    (``<bdi>``, or a ``.hl`` span, which the stylesheet isolates)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.runs: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in Tree.VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        in_text = any("doc-text" in (a.get("class") or "").split() for _, a in self.stack)
        in_para = any(t == "p" for t, _ in self.stack)
        if in_text and in_para and data:
            isolated = any(t == "bdi" or "hl" in (a.get("class") or "").split() for t, a in self.stack)
            self.runs.append((data, isolated))


def test_every_piece_of_document_text_is_a_bidi_isolate():
    out = render_html(bidi_report())
    iso = Isolation()
    iso.feed(out)
    assert iso.runs and all(isolated for _, isolated in iso.runs), [r for r in iso.runs if not r[1]]
    shown = "".join(d for d, _ in iso.runs)
    assert SPOOF in shown and f"sentence {RLO}with" in shown  # the article's own characters are kept
    css = parse(out).styles[0]
    assert re.search(r"\.hl, bdi \{ unicode-bidi: isolate; \}", css)
    # title and source: kept, isolated
    assert f'<h2 class="doc-title" id="title-1"><bdi>Invoice {RLO}fdp.exe</bdi></h2>' in out
    assert f'<span class="doc-source"><bdi>Wire{RLO} desk</bdi></span>' in out


def test_plain_text_places_show_bidi_controls_and_the_document_says_it_has_them():
    out = render_html(bidi_report())
    # the page title cannot hold markup: each title is an FSI..PDI isolate with its controls visible
    title = re.search(r"<title>(.*)</title>", out).group(1)
    assert title == "factcheck: \u2068Invoice [U+202E]fdp.exe\u2069 vs \u2068Riyadh talks\u2069"
    data = json.loads(parse(out).scripts[0][1])
    f = data["findings"][0]
    assert f["message"] == "a0 and b0 contradict each other: 'Attachment photo_[U+202E]gnp.exe was sent.' vs 'Officials met'"
    assert f["details"] == {"quote": "x[U+202E]y", "nested": ["[U+202E]z"]}
    assert RLO not in title and RLO not in json.dumps(data["findings"], ensure_ascii=False)
    assert "Contains bidirectional control characters (U+202E)" in out
    assert "Contains bidirectional control characters" not in render_html(small_report())


def test_show_bidi_controls_covers_embeddings_overrides_and_isolates():
    from checker.output.html_report import BIDI_CONTROLS, show_bidi_controls

    assert show_bidi_controls("a" + BIDI_CONTROLS + "b") == ("a[U+202A][U+202B][U+202C][U+202D][U+202E][U+2066][U+2067][U+2068][U+2069]b")
    assert show_bidi_controls("\u200f\u0627 plain") == "\u200f\u0627 plain"  # marks and RTL letters are text
