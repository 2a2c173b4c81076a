"""Loading real and synthetic article files: metadata, body spans, boilerplate, bad input."""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

import pytest

from checker.documents import is_boilerplate, load_document
from checker.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
AFP = ROOT / "fixtures" / "riyadh-followup-afp-2025-02-24.txt"
FT = ROOT / "fixtures" / "riyadh-talks-ft-2025-02-17.txt"
DATA = Path(__file__).resolve().parent / "data" / "ingest"


def body_text(doc) -> str:
    return "\n".join(doc.raw_text[s:e] for s, e in doc.body_spans)


# --- real fixtures -------------------------------------------------------------------------


def test_afp_header_line_gives_date_and_title():
    doc = load_document(AFP, "b")
    assert doc.date == datetime.date(2025, 2, 24)
    assert doc.title == "US, Russia to hold 'follow-up meeting' in Riyadh Tuesday"
    assert doc.format == "txt"
    assert doc.raw_text == AFP.read_text(encoding="utf-8")
    assert doc.raw_text.startswith(" date 2025-02-24")
    assert "date 2025-02-24" not in body_text(doc)
    assert doc.raw_text[slice(*doc.body_spans[0])] == "RIYADH"  # dropped later, by segment
    assert len(doc.body_spans) == 43


def test_ft_has_no_date_and_promo_lines_are_not_body():
    doc = load_document(FT, "a")
    assert doc.date is None and doc.title is None
    body = body_text(doc)
    for promo in (
        "Unlock the White House Watch newsletter for free",
        "Your guide to what the 2024 US election means for Washington and the world",
        "Read the full article here",
    ):
        assert promo in doc.raw_text
        assert promo not in body
    assert len(doc.body_spans) == 14
    assert doc.raw_text[slice(*doc.body_spans[0])].startswith("Senior US and Russian officials")


def test_date_override_wins_over_header():
    doc = load_document(AFP, "b", date_override=datetime.date(2025, 3, 1))
    assert doc.date == datetime.date(2025, 3, 1)
    assert load_document(FT, "a", date_override=datetime.date(2025, 2, 17)).date == datetime.date(2025, 2, 17)


def test_body_spans_are_ordered_trimmed_and_disjoint():
    for path in (AFP, FT, DATA / "article.md", DATA / "article.html"):
        doc = load_document(path, "a")
        previous_end = -1
        for start, end in doc.body_spans:
            assert previous_end <= start < end <= len(doc.raw_text)
            chunk = doc.raw_text[start:end]
            assert chunk == chunk.strip()
            previous_end = end


# --- plain-text details ------------------------------------------------------------------------


def test_soft_wrapped_lines_join_and_short_lines_stay_apart(tmp_path):
    path = tmp_path / "wrapped.txt"
    path.write_text(
        "Talks resume in Geneva\nNegotiators met on Tuesday, and the\ntalks will continue on Wednesday.\nA second round is planned.\n",
        encoding="utf-8",
    )
    doc = load_document(path, "a")
    assert [doc.raw_text[s:e] for s, e in doc.body_spans] == [
        "Talks resume in Geneva",
        "Negotiators met on Tuesday, and the\ntalks will continue on Wednesday.",
        "A second round is planned.",
    ]


def test_crlf_and_bom(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbfdate 2025-01-05 Title here\r\n\r\nFirst line.\r\nSecond line.\r\n")
    doc = load_document(path, "a")
    assert doc.raw_text.startswith("date")  # the BOM is not part of the text
    assert doc.date == datetime.date(2025, 1, 5) and doc.title == "Title here"
    assert [doc.raw_text[s:e] for s, e in doc.body_spans] == ["First line.", "Second line."]


def test_unknown_extension_is_read_as_plain_text(tmp_path):
    path = tmp_path / "story.article"
    path.write_text("Officials met on Monday.\n", encoding="utf-8")
    doc = load_document(path, "a")
    assert doc.format == "txt" and doc.body_spans == [(0, 24)]


def test_boilerplate_list():
    for line in ("Sign up for our daily briefing", "Subscribe now", "Click here to read more", "Read the full article here", "Advertisement", "© 2025 AFP"):
        assert is_boilerplate(line), line
    for line in ("Subscribers to the service rose 5%.", "Sign language interpreters attended."):
        assert not is_boilerplate(line), line


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_front_matter_and_markers():
    doc = load_document(DATA / "article.md", "a")
    assert doc.format == "md"
    assert doc.date == datetime.date(2025, 3, 10)  # "published" key
    assert doc.title == "Grain corridor deal extended"
    assert doc.source == "Harbour Times"  # "outlet" key
    blocks = [doc.raw_text[s:e] for s, e in doc.body_spans]
    assert blocks == [
        "Ukraine and Turkey agreed on Monday to extend the Black Sea grain\ncorridor for another 120 days, the Turkish defence ministry said.",
        "What changes",
        "Inspections will move to Istanbul.",
        "Ships will be allowed to carry fertiliser. Exporters welcomed the decision.",
        '"This is a good day for food security," a U.N. official said.',
    ]
    assert "tags:" not in body_text(doc) and "Subscribe" not in body_text(doc)


def test_markdown_header_line_beats_front_matter_and_h1_becomes_title(tmp_path):
    path = tmp_path / "a.markdown"
    path.write_text("---\ndate: 2024-01-01\n---\ndate 2024-02-02\n# Big headline\n\nBody text here.\n", encoding="utf-8")
    doc = load_document(path, "a")
    assert doc.date == datetime.date(2024, 2, 2)
    assert doc.title == "Big headline"
    assert [doc.raw_text[s:e] for s, e in doc.body_spans] == ["Body text here."]


def test_markdown_front_matter_date_in_words(tmp_path):
    path = tmp_path / "a.md"
    path.write_text('---\ndate: "March 5, 2025"\nsource: Wire\n---\nBody text here.\n', encoding="utf-8")
    doc = load_document(path, "a")
    assert doc.date == datetime.date(2025, 3, 5) and doc.source == "Wire"


# --- HTML -----------------------------------------------------------------------------------


def visible(raw: str) -> str:
    """What a reader sees in a slice of HTML: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", raw)).split())


def test_html_metadata_and_body_spans():
    doc = load_document(DATA / "article.html", "h")
    assert doc.format == "html"
    assert doc.date == datetime.date(2025, 3, 4)
    assert doc.title == "Ceasefire talks resume in Geneva"
    assert doc.source == "The Daily Ledger"
    chunks = [doc.raw_text[s:e] for s, e in doc.body_spans]
    assert chunks[1] == ("Negotiators from both sides met in Geneva on Tuesday, the U.N. said, a week after talks broke down.")
    assert chunks[2].startswith("&ldquo;We are cautiously optimistic,&rdquo;")
    assert '<a href="/un">United Nations</a>.' in chunks[4]
    assert [visible(c) for c in chunks] == [
        "GENEVA",
        "Negotiators from both sides met in Geneva on Tuesday, the U.N. said, a week after talks broke down.",
        "“We are cautiously optimistic,” a U.N. spokesperson told reporters. The talks are expected to last three days.",
        "Prisoner exchange",
        "Both delegations agreed to exchange 120 prisoners, according to a statement from the United Nations.",
        "The previous round in Feb. 2024 ended without an agreement & both sides blamed each other.",
    ]
    body = body_text(doc)
    for junk in ("World news menu", "Do not extract", "footer script", "Buy cheap flights", "Sign up for our daily briefing", "All rights reserved"):
        assert junk in doc.raw_text and junk not in body


def test_malformed_html_with_unclosed_tags():
    doc = load_document(DATA / "malformed.html", "m")
    assert doc.title == "Port reopens after storm" and doc.date is None
    assert [visible(doc.raw_text[s:e]) for s, e in doc.body_spans] == [
        "The port of Odesa reopened on Friday after a storm closed it for three days, officials said.",
        "Ships carrying grain began loading again on Saturday morning, the port authority said & traders welcomed the news.",
        "About 40 vessels had been waiting offshore. Insurers said damage was limited.",
    ]
    assert "Injected" not in body_text(doc) and "Home" not in body_text(doc)


@pytest.mark.parametrize(
    "markup",
    ["<p>unclosed <b>bold <i>and <div>mixed</p></b> up", "<<<>>>&&&;;</html></body><p", "<html><body><table><tr><td>cell"],
)
def test_garbage_html_is_an_input_error_not_a_crash(tmp_path, markup):
    path = tmp_path / "bad.html"
    path.write_text(markup, encoding="utf-8")
    with pytest.raises(InputError, match="no extractable article text"):
        load_document(path, "a")


# --- bad input ------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b"  \n\t\r\n \xc2\xa0\n", "only whitespace"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (it contains NUL bytes"),
        ("utf16.txt", "Hello world".encode("utf-16"), "re-encode it as UTF-8"),
        ("ctrl.txt", b"\x01\x02\x03\x04abc\x05\x06\x07\x08", "control characters"),
        ("latin1.txt", "Café talks end.".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at byte offset 3)"),
        ("latin1.md", b"ok\n" + "é".encode("latin-1"), "re-encode the file as UTF-8"),
        ("nav.html", b"<html><body><nav><a href='/'>Home</a></nav><script>x=1</script></body></html>", "HTML contains no extractable article text"),
        ("only-promo.txt", b"Read the full article here\n", "no article text left"),
        ("header-only.txt", b"date 2025-02-24 A title\n\n", "no article text left"),
        ("bad-date.txt", b"date 2025-02-30 A title\nBody.\n", "invalid date '2025-02-30'"),
        ("bad-yaml.md", b"---\ntitle: [unclosed\n---\nBody.\n", "front matter is not valid YAML"),
        ("bad-fm-date.md", b"---\ndate: someday soonish\n---\nBody.\n", "front matter date 'someday soonish'"),
    ],
)
def test_bad_input_raises_one_line_input_error(tmp_path, name, data, fragment):
    path = _write(tmp_path, name, data)
    with pytest.raises(InputError) as info:
        load_document(path, "a")
    message = str(info.value)
    assert fragment in message
    assert message.startswith(f"{path}: ")
    assert "\n" not in message


def test_missing_file_and_directory(tmp_path):
    """The loader and the command line check files with the same function and words (issue 12:
    the loader used to say "file not found" where the CLI said "no such file")."""
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        load_document(tmp_path / "nope.txt", "a")
    with pytest.raises(InputError, match="is a directory, not a document"):
        load_document(tmp_path, "a")


def test_file_over_the_size_limit():
    with pytest.raises(InputError) as info:
        load_document(FT, "a", max_bytes=1000)
    assert str(info.value) == f"{FT}: file is 3,159 bytes, over the 0.001 MB limit (max_file_mb)"
