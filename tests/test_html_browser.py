"""The HTML report in a real (headless) Chromium, opened from file:// with the network blocked.

Needs Debian's chromium at /usr/bin/chromium and the ``playwright`` package (scripts/install_browser.sh);
Playwright drives the system browser, it never downloads one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checker.output.html_report import write_html
from checker.types import Claim, Document, Finding, Report

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
FT = FIXTURES / "riyadh-talks-ft-2025-02-17.txt"
AFP = FIXTURES / "riyadh-followup-afp-2025-02-24.txt"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed: run scripts/install_browser.sh (apt chromium + pip playwright)",
)


# ------------------------------------------------------------------------------------------
# a realistic report, built by hand from the two fixture articles


def _claim(doc: Document, cid: str, sentence: str, index: int) -> Claim:
    start = doc.raw_text.find(sentence)
    assert start >= 0, f"fixture sentence not found in {doc.path.name}: {sentence[:40]!r}"
    claim = Claim(id=cid, doc=doc.id, index=index, start=start, end=start + len(sentence), text=sentence)
    doc.claims.append(claim)
    return claim


def fixture_report() -> Report:
    ft_text = FT.read_text(encoding="utf-8")
    afp_text = AFP.read_text(encoding="utf-8")
    ft_body = (ft_text.index("Senior US and Russian"), ft_text.index("Read the full article here"))
    afp_body = (afp_text.index("U.S. and Russian officials are due"), len(afp_text))
    a = Document(
        id="a",
        path=FT,
        raw_text=ft_text,
        body_spans=[ft_body],
        title="US and Russian officials to meet in Riyadh",
        source="Financial Times",
        date=date(2025, 2, 17),
    )
    b = Document(
        id="b",
        path=AFP,
        raw_text=afp_text,
        body_spans=[afp_body],
        title="US, Russia to hold 'follow-up meeting' in Riyadh Tuesday",
        source="AFP",
        date=date(2025, 2, 24),
    )
    a_meet = _claim(
        a,
        "a0",
        "Senior US and Russian officials will meet in Riyadh on Tuesday to discuss “restoring all "
        "bilateral relations” and setting up possible talks to end the war in Ukraine, the Kremlin has said.",
        0,
    )
    a_saudi = _claim(a, "a3", "Rubio will meet Saudi officials on Monday ahead of the Russia talks.", 3)
    a_process = _claim(a, "a10", "Rubio said there was “no process” yet to bring an end to the war, and that the team was exploring ways to create one.", 10)
    a_dismiss = _claim(a, "a13", "Russia dismissed European efforts to carve out a place at the peace talks and possibly send a peacekeeping contingent to Ukraine.", 13)
    b_ago = _claim(
        b,
        "b3",
        "A week ago, U.S. and Russian delegations led by U.S. Secretary of State Marco Rubio and "
        "Russian Foreign Minister Sergei Lavrov met in Riyadh for discussions potentially laying the "
        "foundation for a summit between U.S. and Russian presidents Donald Trump and Vladimir Putin.",
        3,
    )
    b_mech = _claim(
        b,
        "b4",
        'Russia and the U.S. agreed to establish a "consultation mechanism" to settle disputes and '
        "to appoint negotiators for talks on the war in Ukraine at the end of last week's meeting, the "
        "first at that level between the two powers since Moscow's invasion of Ukraine in Feb. 2022.",
        4,
    )
    b_accuse = _claim(b, "b40", "Putin's spokesman meanwhile accused Europe of prolonging the fighting.", 40)
    findings = [
        Finding(
            "f1", "agreement", "info", "FC001", "Both reports place the US-Russia meeting in Riyadh.", [a_meet.id, b_ago.id], {"entailment": 0.88, "contradiction": 0.01}, "nli"
        ),
        Finding(
            "f2",
            "contradiction",
            "error",
            "FC101",
            "FT says there is no process to end the war; AFP says both sides agreed a consultation mechanism.",
            [a_process.id, b_mech.id],
            {"contradiction": 0.91, "entailment": 0.02, "neutral": 0.07},
            "nli",
            {"premise": "a10", "hypothesis": "b4"},
        ),
        Finding(
            "f3",
            "disputed",
            "warning",
            "FC103",
            "Russia's stance on Europe is reported as a dismissal by FT and as an accusation by AFP.",
            [a_dismiss.id, b_accuse.id],
            {"contradiction": 0.64},
            "attribution",
            {"speaker": "Dmitry Peskov", "marker": "accused"},
        ),
        Finding("f4", "only_in_a", "info", "FC301", "Only FT reports Rubio meeting Saudi officials on Monday.", [a_saudi.id], {"best_similarity": 0.31}, "alignment"),
    ]
    return Report([a, b], findings, models={"nli": "factcheck-nli-small"}, timings={"total": 1.25})


HOSTILE = (
    "Breaking: <script>window.__pwned = 1; alert(1)</script> officials met.\n\n"
    'Photo: <img src=x onerror="window.__pwned = 2; alert(2)"> was shown.\n\n'
    'Read <a href="javascript:window.__pwned = 3">more</a> at javascript:alert(3) or http://evil.example/x.js today.\n\n'
    "A closing </script><script>window.__pwned = 4</script> line and </p></div><b onmouseover=alert(5)>bold</b>."
)


def hostile_report() -> Report:
    text = HOSTILE
    doc = Document(
        id="a",
        path=Path("/tmp/<script>x</script>.txt"),
        raw_text=text,
        body_spans=[(0, len(text))],
        title="</title><script>window.__pwned = 5</script>",
        source="<img src=x onerror=alert(6)>",
    )
    other = Document(id="b", path=Path("b.txt"), raw_text="Nothing to see here.", body_spans=[(0, 20)])
    for i, sent in enumerate(text.split("\n\n")):
        s = text.find(sent)
        doc.claims.append(Claim(f"a{i}", "a", i, s, s + len(sent), sent))
    other.claims.append(Claim("b0", "b", 0, 0, 20, "Nothing to see here."))
    findings = [
        Finding(
            "x1",
            "contradiction",
            "error",
            "FC101",
            '<img src=x onerror="window.__pwned=7"></script>',
            ["a0", "b0"],
            {"contradiction": 0.9},
            "nli",
            {"html": "</script><script>window.__pwned=8</script>"},
        ),
        Finding("x2", "only_in_a", "info", "FC301", "javascript:window.__pwned=9", ["a1", "a2", "a3"]),
    ]
    return Report([doc, other], findings)


# ------------------------------------------------------------------------------------------
# browser fixtures: one Chromium per session


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def report_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    write_html(fixture_report(), path)
    return path


class PageProbe:
    """A page plus what it did: requests, dialogs, console errors, CSP violations."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")

    def open(self, path: Path):
        self.page.goto(path.as_uri())
        self.page.wait_for_selector("html[data-ready]", state="attached", timeout=15_000)
        return self.page

    def remote_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]


@pytest.fixture
def probe(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 860})
    page = context.new_page()
    yield PageProbe(page)
    context.close()


IN_VIEW = """el => {
  const box = el.closest('.doc-text'), r = el.getBoundingClientRect(), b = box.getBoundingClientRect();
  return r.height > 0 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.top >= 0 && r.bottom <= innerHeight;
}"""


def _spans(page, claim_id: str):
    return page.locator(f'.hl[data-claim="{claim_id}"]')


def _visible_items(page) -> int:
    return page.locator("#findings li.fi").count()


# ------------------------------------------------------------------------------------------


def test_loads_offline_without_errors(probe, report_file):
    page = probe.open(report_file)
    assert page.locator(".doc").count() == 2
    assert _visible_items(page) == 4
    assert page.locator("#count").inner_text() == "4 findings"
    assert probe.remote_requests() == []
    assert probe.errors == []
    assert page.evaluate("window.__csp") == []
    # both columns side by side, each with its metadata
    boxes = [page.locator(".doc").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["x"] < boxes[1]["x"] and abs(boxes[0]["y"] - boxes[1]["y"]) < 1
    heads = page.locator(".doc-head").all_inner_texts()
    assert "Financial Times" in heads[0] and "2025-02-17" in heads[0] and FT.name in heads[0]
    assert "AFP" in heads[1] and "2025-02-24" in heads[1]
    # boilerplate outside body_spans is not shown
    assert "Unlock the White House Watch" not in page.locator(".doc").nth(0).inner_text()


@pytest.mark.parametrize(("finding", "claims"), [("f2", ["a10", "b4"]), ("f3", ["a13", "b40"])])
def test_click_finding_highlights_and_scrolls_linked_claims(probe, report_file, finding, claims):
    page = probe.open(report_file)
    page.click(f'#findings li[data-id="{finding}"]')
    for cid in claims:
        span = _spans(page, cid).first
        assert "active" in span.get_attribute("class").split()
        assert span.evaluate(IN_VIEW), f"{cid} is not scrolled into view"
    assert page.locator(".hl.active").count() == len(claims)
    detail = page.locator("#detail")
    assert detail.is_visible()
    text = detail.inner_text()
    f = {x.id: x for x in fixture_report().findings}[finding]
    assert f.message in text and f.check in text and f.rule in text
    for key in f.scores:
        assert key in text
    assert page.locator(f'#findings li[data-id="{finding}"]').get_attribute("aria-selected") == "true"


def test_claim_spans_carry_kind_and_severity(probe, report_file):
    page = probe.open(report_file)
    cls = _spans(page, "a10").first.get_attribute("class").split()
    assert {"hl", "sev-error", "k-contradiction", "t-error"} <= set(cls)
    assert "t-agree" in _spans(page, "a0").first.get_attribute("class").split()
    only = _spans(page, "a3").first
    assert "only" in only.get_attribute("class").split()
    marker = only.evaluate("e => getComputedStyle(e, '::before').content")
    assert "only" in marker
    # clicking a highlighted sentence selects its finding
    _spans(page, "b40").first.click()
    assert page.locator('#findings li[data-id="f3"]').get_attribute("aria-selected") == "true"


def test_kind_filter_and_search_update_counts(probe, report_file):
    page = probe.open(report_file)
    page.select_option("#f-kind", "contradiction")
    assert _visible_items(page) == 1
    assert page.locator("#count").inner_text() == "Showing 1 of 4 findings"
    assert page.locator('#findings li.fi[data-id="f2"]').count() == 1
    # spans of filtered-out findings are dimmed
    assert "dim" in _spans(page, "a0").first.get_attribute("class").split()
    assert "dim" not in _spans(page, "a10").first.get_attribute("class").split()
    page.select_option("#f-kind", "")
    assert _visible_items(page) == 4

    page.fill("#q", "rubio")  # matches messages and the claim text
    assert page.locator("#count").inner_text() == "Showing 3 of 4 findings"
    assert _visible_items(page) == 3
    # facet counts follow the search
    labels = page.locator("#f-kind option").all_inner_texts()
    assert "contradiction (1)" in labels and "disputed (0)" in labels and "All kinds (3)" in labels
    page.fill("#q", "rubio saudi")
    assert _visible_items(page) == 1
    page.fill("#q", "no such thing anywhere")
    assert _visible_items(page) == 0
    assert "No findings match" in page.locator("#findings").inner_text()

    page.fill("#q", "")
    page.select_option("#f-sev", "warning")
    assert _visible_items(page) == 1
    page.locator('.chip[data-sev="warning"]').click()  # toggles the severity filter off
    assert _visible_items(page) == 4


def test_keyboard_navigation(probe, report_file):
    page = probe.open(report_file)
    selected = lambda: page.locator("#findings li.sel").get_attribute("data-id")  # noqa: E731
    page.keyboard.press("j")
    assert selected() == "f2"  # most severe first
    page.keyboard.press("j")
    assert selected() == "f3"
    page.keyboard.press("n")
    page.keyboard.press("k")
    assert selected() == "f3"
    assert page.locator(".hl.active").count() == 2
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("saudi")
    assert _visible_items(page) == 1
    page.keyboard.press("Escape")
    assert page.input_value("#q") == ""
    assert _visible_items(page) == 4
    page.keyboard.press("Escape")  # second Esc clears the selection
    assert page.locator("#findings li.sel").count() == 0
    assert page.locator(".hl.active").count() == 0


def test_hostile_article_runs_no_script(probe, tmp_path):
    path = tmp_path / "hostile.html"
    write_html(hostile_report(), path)
    page = probe.open(path)
    page.click('#findings li[data-id="x1"]')
    assert '<img src=x onerror="window.__pwned=7"></script>' in page.locator("#detail").inner_text()
    assert "</script><script>window.__pwned=8</script>" in page.locator("#detail").inner_text()
    page.click('#findings li[data-id="x2"]')
    page.locator(".hl").first.hover()
    page.locator(".doc-text").first.get_by_text("bold", exact=False).first.hover()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert probe.dialogs == []
    assert probe.remote_requests() == []
    text = page.locator(".doc-text").first.inner_text()
    assert "<script>window.__pwned = 1; alert(1)</script>" in text
    assert '<img src=x onerror="window.__pwned = 2; alert(2)">' in text
    assert '<a href="javascript:window.__pwned = 3">more</a>' in text
    assert page.locator(".doc-text img, .doc-text a, .doc-text script, .doc-text b").count() == 0
    assert "</title><script>" in page.locator(".doc-title").first.inner_text()
    assert page.title().startswith("factcheck: \u2068</title>")


def test_three_documents_side_by_side(probe, tmp_path):
    report = fixture_report()
    text = "A third report. It says the talks were postponed."
    c = Document(id="c", path=Path("third.txt"), raw_text=text, body_spans=[(0, len(text))], title="Third")
    c.claims.append(Claim("c1", "c", 1, 16, len(text), text[16:]))
    report.documents.append(c)
    report.findings.append(Finding("f5", "contradiction", "error", "FC101", "Postponed vs held.", ["c1", "b3"]))
    path = tmp_path / "three.html"
    write_html(report, path)
    page = probe.open(path)
    xs = [page.locator(".doc").nth(i).bounding_box()["x"] for i in range(3)]
    assert xs == sorted(xs) and len(set(xs)) == 3
    page.click('#findings li[data-id="f5"]')
    assert page.locator('.hl.active[data-claim="c1"]').count() == 1
    assert _spans(page, "c1").first.evaluate(IN_VIEW)


def test_long_documents_reveal_far_claims(probe, tmp_path):
    """Off-screen paragraphs are not laid out (content-visibility); scrolling must still land."""
    docs = []
    for doc_id in ("a", "b"):
        paras = [" ".join(f"Paragraph {p} sentence {s} of report {doc_id} says something." for s in range(5)) for p in range(600)]
        text = "\n\n".join(paras)
        doc = Document(id=doc_id, path=Path(f"{doc_id}.txt"), raw_text=text, body_spans=[(0, len(text))])
        for k, (p, s) in enumerate([(590, 1), (593, 4), (300, 0), (5, 2)]):
            sent = f"Paragraph {p} sentence {s} of report {doc_id} says something."
            start = text.index(sent)
            doc.claims.append(Claim(f"{doc_id}{k}", doc_id, k, start, start + len(sent), sent))
        docs.append(doc)
    findings = [
        Finding("near-end", "contradiction", "error", "FC101", "two claims near the end of A", ["a0", "a1", "b2"]),
        Finding("start", "agreement", "info", "FC001", "near the start", ["a3", "b3"]),
    ]
    path = tmp_path / "long.html"
    write_html(Report(docs, findings), path)
    page = probe.open(path)
    for fid, claims in (("near-end", ["a0", "a1", "b2"]), ("start", ["a3", "b3"]), ("near-end", ["a0", "a1", "b2"])):
        page.click(f'#findings li[data-id="{fid}"]')
        for cid in claims:
            assert _spans(page, cid).first.evaluate(IN_VIEW), (fid, cid)


def test_print_and_dark_mode(probe, report_file):
    page = probe.open(report_file)
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark
    page.emulate_media(media="print", color_scheme="light")
    assert page.locator(".filters").is_hidden()
    assert page.evaluate("getComputedStyle(document.querySelector('.doc-text')).overflowY") == "visible"


def test_screenshot(probe, report_file):
    ARTIFACTS.mkdir(exist_ok=True)
    page = probe.open(report_file)
    page.click('#findings li[data-id="f3"]')
    page.screenshot(path=str(ARTIFACTS / "report.png"))
    page.emulate_media(color_scheme="dark")
    page.screenshot(path=str(ARTIFACTS / "report-dark.png"))
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000


# ------------------------------------------------------------------------------------------
# bidirectional text: an override from article text never reverses anything outside its piece

RLO = "\u202e"
SPOOF = f"Attachment photo_{RLO}gnp.exe was sent."
AFTER = "Officials met on Tuesday."

# How ``sub`` (inside one text node of ``el``) is laid out: "ltr" when each character stands to the
# right of the one before it, "rtl" when to the left (pairs split by a line break are skipped).
ORDER = """(el, sub) => {
  const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const at = node.data.indexOf(sub);
    if (at < 0) continue;
    const r = document.createRange(), boxes = [];
    for (let i = at; i < at + sub.length; i++) {
      if (/\\s/.test(node.data[i])) continue;
      r.setStart(node, i); r.setEnd(node, i + 1);
      boxes.push(r.getBoundingClientRect());
    }
    let right = 0, left = 0;
    for (let i = 1; i < boxes.length; i++) {
      if (Math.abs(boxes[i].top - boxes[i - 1].top) > 2) continue;
      if (boxes[i].left > boxes[i - 1].left) right++; else left++;
    }
    return right && !left ? "ltr" : left && !right ? "rtl" : "mixed";
  }
  return null;
}"""


def bidi_report() -> Report:
    text = f"{SPOOF} {AFTER} Plain words after {RLO}an override."
    a = Document(id="a", path=Path("a.txt"), raw_text=text, body_spans=[(0, len(text))], title=f"Invoice {RLO}fdp.exe", source=f"Wire{RLO} desk")
    for i, sent in enumerate((SPOOF, AFTER)):
        s = text.index(sent)
        a.claims.append(Claim(f"a{i}", "a", i, s, s + len(sent), sent))
    b = Document(id="b", path=Path("b.txt"), raw_text="Officials met on Wednesday.", body_spans=[(0, 27)], title="Other")
    b.claims.append(Claim("b0", "b", 0, 0, 27, "Officials met on Wednesday."))
    findings = [
        Finding("f1", "contradiction", "error", "FC101", f"a0 and b0 contradict each other: '{SPOOF}' vs 'Officials met'", ["a0", "b0"], {"contradiction": 0.9}, "nli"),
        Finding("f2", "only_in_a", "info", "FC301", "only in A", ["a1"], check="alignment"),
    ]
    return Report([a, b], findings)


def test_bidi_override_in_article_text_stays_inside_its_piece(probe, tmp_path):
    path = tmp_path / "bidi.html"
    write_html(bidi_report(), path)
    page = probe.open(path)
    text = page.locator(".doc-text").first
    # the claim after the spoofed one reads left to right, and so do the words after it
    assert text.evaluate(ORDER, AFTER) == "ltr"
    assert text.evaluate(ORDER, "Plain words after") == "ltr"
    # the spoofed piece itself is shown as written (reversed inside its own isolate): kept, not altered
    assert text.evaluate(ORDER, "gnp.exe was sent.") == "rtl"
    # the same measurement sees a leak where nothing isolates: the check can fail
    page.evaluate(
        """t => { const p = document.createElement('p'); p.id = 'raw'; p.textContent = t;
                   document.querySelector('.doc-text').appendChild(p); }""",
        f"{SPOOF} {AFTER}",
    )
    raw = page.locator("#raw")
    assert raw.evaluate(ORDER, AFTER) == "rtl"
    # message and detail: the override is a visible tag, the rest of the sentence reads in order
    page.click('#findings li[data-id="f1"]')
    msg = page.locator("#detail .d-msg")
    assert "photo_[U+202E]gnp.exe" in msg.inner_text()
    assert msg.evaluate(ORDER, "vs 'Officials met'") == "ltr"
    claim = page.locator("#detail .d-claims li").first
    assert claim.locator("bdi").count() == 1 and SPOOF in claim.locator("bdi").inner_text()
    # title: isolated in the page, visible tag in the window title; header warns
    assert page.locator(".doc-title bdi").first.inner_text() == f"Invoice {RLO}fdp.exe"
    assert page.title() == "factcheck: \u2068Invoice [U+202E]fdp.exe\u2069 vs \u2068Other\u2069"
    assert "U+202E" in page.locator(".doc-bidi").first.inner_text()
    assert probe.errors == []
