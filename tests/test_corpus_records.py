"""Corpus input (checker/corpus/records.py): JSON Lines records and folders of article files.

Bad records give one error each, naming the file and line, and never cost the good records."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

from checker.corpus.records import (
    Article,
    RecordError,
    article_files,
    body_text,
    load_corpus,
    load_jsonl,
    to_document,
)
from checker.errors import InputError
from checker.segment import segment
from conftest import PAC_STORIES

ROOT = Path(__file__).resolve().parents[1]
PAC = ROOT / "fixtures" / "pac"
FNC1 = ROOT / "tests" / "data" / "corpus" / "fnc1"
HTML = ROOT / "tests" / "data" / "ingest" / "article.html"
ORIGINAL_PAC = sorted(name for pair in PAC_STORIES.values() for name in pair)  # the eight articles of the four stories


def body(name: str) -> str:
    """A PAC fixture article without its ``date ... title`` header line."""
    return (PAC / name).read_text(encoding="utf-8").split("\n", 1)[1].strip()


def record(id_, outlet="NBC News", date="2022-06-23", title="Senate passes gun bill", text=None, **extra) -> dict:
    out = {"id": id_, "outlet": outlet, "date": date, "title": title, "text": body("story-101-nbc-news.txt") if text is None else text}
    out.update(extra)
    return {k: v for k, v in out.items() if v is not ...}


def write_lines(path: Path, lines: list) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    return path


def by_line(errors: list[RecordError]) -> dict[int | None, str]:
    return {e.line: e.message for e in errors}


def test_bad_records_are_reported_by_line_and_the_good_ones_kept(tmp_path):
    examiner = body("story-101-washington-examiner.txt")
    feed = write_lines(
        tmp_path / "feed.jsonl",
        [
            record("nbc-1"),
            '{"id": "x", "outlet": "AP", "date": "2022-06-23", "title": "t", "text": "abc"',  # cut off
            record("no-title", title=...),
            record("bad-day", date="2022-02-30"),
            record("nbc-1", text=examiner),  # duplicate id
            "",
            {"id": "wex-1", "source": "Washington Examiner", "date": "2022-06-23", "title": "Senate passes bipartisan gun legislation", "text": examiner},
            record("empty-outlet", outlet="   "),
            "[1, 2]",
            record("slashes", date="2022/06/23"),
            record("unix", date=1655942400),
            record("both", source="AP"),
        ],
    )
    loaded = load_jsonl(feed)
    assert [a.id for a in loaded.articles] == ["nbc-1", "wex-1"]
    assert by_line(loaded.errors) == {
        2: "not valid JSON (Expecting ',' delimiter at column 78)",
        3: "missing field 'title'",
        4: "field 'date' '2022-02-30' is not a calendar date",
        5: "duplicate id 'nbc-1' (first on line 1)",
        8: "field 'outlet' is empty",
        9: "expected a JSON object, got list",
        10: "field 'date' must be a date written YYYY-MM-DD, got '2022/06/23'",
        11: "field 'date' must be a date written YYYY-MM-DD, got 1655942400",
        12: "has both 'outlet' and 'source' with different values; give one",
    }
    assert str(loaded.errors[0]) == f"{feed}:2: not valid JSON (Expecting ',' delimiter at column 78)"
    wex = loaded.articles[1]
    assert (wex.outlet, wex.date, wex.origin) == ("Washington Examiner", datetime.date(2022, 6, 23), f"{feed}:7")
    assert wex.text.startswith("The Senate passed a bipartisan gun reform bill on Thursday")


def test_oversized_text_and_non_utf8_lines_are_record_errors(tmp_path):
    long_text = body("story-116-the-guardian.txt")
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        json.dumps(record("short", text=body("story-99-cbs-news.txt")[:900])).encode()
        + b"\n"
        + json.dumps(record("long", text=long_text)).encode()
        + b"\n"
        + b'{"id": "latin1", "outlet": "Le Monde", "date": "2022-06-23", "title": "caf\xe9", "text": "x"}\n'
    )
    loaded = load_jsonl(feed, max_text_chars=1000)
    assert [a.id for a in loaded.articles] == ["short"]
    assert by_line(loaded.errors) == {
        2: f"text is {len(long_text):,} characters, over the limit of 1,000",
        3: "not valid UTF-8 (byte 0xe9 at column 75)",
    }


def test_text_that_is_only_boilerplate_is_a_record_error(tmp_path):
    feed = write_lines(tmp_path / "feed.jsonl", [record("promo", text="Subscribe to our newsletter\nRead the full article here"), record("ok")])
    loaded = load_jsonl(feed)
    assert [a.id for a in loaded.articles] == ["ok"]
    assert by_line(loaded.errors) == {1: "no article text left after removing headers and boilerplate"}


def test_integer_ids_are_text_and_unknown_keys_are_ignored(tmp_path):
    feed = write_lines(tmp_path / "feed.jsonl", [record(7, topic="guns", url="https://www.nbcnews.com/politics/x")])
    (article,) = load_jsonl(feed).articles
    assert article.id == "7"
    assert article.url == "https://www.nbcnews.com/politics/x"
    bad = write_lines(tmp_path / "bad.jsonl", [record(8, url="nbcnews.com/x")])
    assert by_line(load_jsonl(bad).errors) == {1: "field 'url' must be an http(s) address, got 'nbcnews.com/x'"}


def test_record_to_document_for_the_pipeline(tmp_path):
    feed = write_lines(tmp_path / "feed.jsonl", [record("nbc-1", title="Senate passes most sweeping gun bill in decades")])
    (article,) = load_corpus(feed).articles
    doc = to_document(article, "a")
    assert (doc.id, str(doc.path), doc.title, doc.source, doc.date) == ("a", "nbc-1", "Senate passes most sweeping gun bill in decades", "NBC News", datetime.date(2022, 6, 23))
    claims = segment(doc)
    assert claims[0].id == "a1"
    assert claims[0].text.startswith("The Senate on Thursday night passed the most sweeping gun bill")  # dateline left out
    assert doc.raw_text[claims[0].start : claims[0].end] == claims[0].text
    assert article.document.claims == []  # segmenting the copy leaves the corpus article alone
    assert to_document(article, "b").claims == []


def test_html_records_are_rendered(tmp_path):
    feed = write_lines(tmp_path / "feed.jsonl", [record("page", text=HTML.read_text(encoding="utf-8"), format="html")])
    (article,) = load_jsonl(feed).articles
    assert "<" not in article.text
    assert article.document.format == "html"
    assert article.text.split("\n")[0] in body_text(to_document(article, "a"))


def test_folder_of_articles(tmp_path):
    for name in ORIGINAL_PAC:
        shutil.copy(PAC / name, tmp_path / name)
    loaded = load_corpus(tmp_path)
    assert loaded.errors == []
    assert [a.id for a in loaded.articles] == sorted(ORIGINAL_PAC)
    first = loaded.articles[0]
    assert (first.date, first.title, first.outlet, first.origin) == (
        datetime.date(2022, 6, 23),
        "Senate passes most sweeping gun bill in decades, setting up House vote",
        None,
        str(tmp_path / ORIGINAL_PAC[0]),
    )
    assert first.text.startswith("WASHINGTON — The Senate on Thursday night passed")
    assert to_document(first, "c").raw_text == (tmp_path / ORIGINAL_PAC[0]).read_text(encoding="utf-8")


def test_folder_reports_bad_files_and_skips_other_files(tmp_path):
    shutil.copytree(FNC1, tmp_path / "fnc1")
    (tmp_path / "fnc1" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "fnc1" / "scan.md").write_bytes(b"\x00\x01binary")
    (tmp_path / "fnc1" / "notes.json").write_text("{}", encoding="utf-8")  # not an article suffix: not read
    (tmp_path / "fnc1" / ".hidden.txt").write_text("Secret draft of a story.", encoding="utf-8")
    loaded = load_corpus(tmp_path)
    assert len(loaded.articles) == 15
    assert all(a.id.startswith("fnc1/") and a.date is None and a.title is None for a in loaded.articles)
    assert {e.source: e.message for e in loaded.errors} == {
        str(tmp_path / "fnc1" / "empty.txt"): "file is empty",
        str(tmp_path / "fnc1" / "scan.md"): "looks like a binary file (it contains NUL bytes; if it is UTF-16 text, re-encode it as UTF-8), not article text",
    }
    assert str(loaded.errors[0]).startswith(f"{tmp_path / 'fnc1' / 'empty.txt'}: ")
    assert [p.name for p in article_files(tmp_path)][:2] == ["empty.txt", "isis-treasurer-body1146.txt"]


def test_whole_input_problems_raise(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_corpus(tmp_path / "missing.jsonl")
    (tmp_path / "feed.csv").write_text("id,text\n1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"feed.csv: a corpus is a folder of article files or a JSON Lines file"):
        load_corpus(tmp_path / "feed.csv")


def test_an_article_built_by_hand_converts_too():
    article = Article(
        id="cbs",
        outlet="CBS News",
        date=datetime.date(2022, 5, 12),
        title="Biden administration cancels Alaska oil and gas lease sale",
        text=body("story-99-cbs-news.txt"),
        origin="test",
    )
    doc = to_document(article, "a")
    assert (doc.source, doc.date, doc.title) == ("CBS News", datetime.date(2022, 5, 12), article.title)
    assert segment(doc)[0].text.startswith("The Biden administration has canceled one of the most high-profile oil and gas lease")
