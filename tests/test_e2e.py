"""End to end, with the real default models: the fixtures comparison as a user runs it.

Expected findings were written by reading both articles as an editor would (see
fixtures/expected/riyadh.json for the reasoning); these tests hold the checker to them —
what must be reported and, as important, what must not.
"""

from __future__ import annotations

import json
from datetime import date

import jsonschema
import pytest

from checker.cli import main
from checker.output.json_format import SCHEMA_PATH
from conftest import AFP, FT

FT_DATE = f"{FT}=2025-02-17"


@pytest.fixture(scope="session")
def riyadh():
    from checker.pipeline import compare_paths

    return compare_paths([FT, AFP], dates=[date(2025, 2, 17), None])


def _has(report, kind, a_sub=None, b_sub=None):
    """Findings of `kind` linking a claim containing a_sub and one containing b_sub."""
    out = []
    for f in report.findings:
        if not (f.kind == kind or (kind == "only_in" and f.kind.startswith("only_in"))):
            continue
        texts = [report.claim(c).text for c in f.claims]
        if (a_sub is None or any(a_sub in t for t in texts)) and (b_sub is None or any(b_sub in t for t in texts)):
            out.append(f)
    return out


def test_documents_and_dates(riyadh):
    a, b = riyadh.documents
    assert (a.date, b.date) == (date(2025, 2, 17), date(2025, 2, 24))
    assert b.title == "US, Russia to hold 'follow-up meeting' in Riyadh Tuesday"
    assert all("Read the full article" not in c.text and "newsletter" not in c.text for c in a.claims)


def test_started_the_war_is_disputed_with_its_speaker(riyadh):
    found = _has(riyadh, "disputed", 'the false claim that Ukraine "started" the war', "You should have never started it.")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "warning" and f.rule == "FC103"
    assert "Trump" in f.message and f.details["speakers"] == ["Trump"]
    quote = riyadh.claim(f.claims[1])
    assert quote.speaker == "Trump" and quote.quote == "direct"


def test_supposed_responsibility_is_disputed(riyadh):
    assert _has(riyadh, "disputed", "supposed responsibility for starting the war", "You should have never started it.")


def test_the_two_tuesday_meetings_are_different_events_not_a_contradiction(riyadh):
    ft_tuesday = "will meet in Riyadh on Tuesday"
    afp_tuesday = "are due to meet in Saudi Arabia's capital on Tuesday"
    diff = _has(riyadh, "different_time", ft_tuesday, afp_tuesday)
    assert len(diff) == 1 and diff[0].severity == "info"
    assert diff[0].details == {"time_a": "2025-02-18", "time_b": "2025-02-25"}
    for kind in ("contradiction", "numeric_mismatch", "entity_mismatch", "attributed_disagreement"):
        assert not _has(riyadh, kind, ft_tuesday, afp_tuesday)


def test_the_first_meeting_is_not_a_different_event(riyadh):
    """FT's Tuesday (18 Feb) is AFP's 'a week ago ... met in Riyadh'."""
    for kind in ("different_time", "contradiction", "entity_mismatch"):
        assert not _has(riyadh, kind, "will meet in Riyadh on Tuesday", "A week ago, U.S. and Russian delegations")


def test_no_false_contradictions_between_the_reports(riyadh):
    """The two reports do not contradict each other in their own voice anywhere: the 2014 and 2022
    invasions are different events, the Kiev/Kyiv spellings one place, the quotes different quotes."""
    errors = [f for f in riyadh.findings if f.severity == "error"]
    assert errors == [], [f.message for f in errors]
    assert not _has(riyadh, "contradiction", "initial invasion in 2014", "Feb. 2022")


def test_resolved_times_on_claims(riyadh):
    b = riyadh.documents[1]
    a_week_ago = next(c for c in b.claims if c.text.startswith("A week ago"))
    (ref,) = a_week_ago.times
    assert ref.start <= date(2025, 2, 18) <= ref.end


def test_only_in_findings_point_at_unmatched_claims(riyadh):
    only = _has(riyadh, "only_in")
    assert only and all(f.severity == "info" and len(f.claims) == 1 for f in only)
    texts = {riyadh.claim(f.claims[0]).text for f in only}
    assert "Cities across the country's south and east have been flattened and millions forced to flee their homes." in texts
    # the report's two meetings are in both reports: never "only in"
    assert not any("will meet in Riyadh on Tuesday" in t for t in texts)


def test_nli_calls_stay_far_below_all_pairs(riyadh):
    a, b = riyadh.documents
    assert riyadh.timings["nli_pairs"] < 0.25 * 2 * len(a.claims) * len(b.claims)


# ------------------------------------------------------------------ the CLI, in process, real models


def test_cli_json_validates_against_schema(capsys, tmp_path):
    out = tmp_path / "report.json"
    code = main(["compare", str(FT), str(AFP), "--date", FT_DATE, "-o", "json", "--output-file", str(out)])
    assert code == 0  # no error-level finding on the fixtures
    data = json.loads(out.read_text())
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["schema_version"] == "1.2"
    assert [d["date"] for d in data["documents"]] == ["2025-02-17", "2025-02-24"]
    claim = next(c for c in data["claims"] if c["text"] == "You should have never started it.")
    assert claim["speaker"] == "Trump" and claim["quote"] == "direct"
    raw = AFP.read_text(encoding="utf-8")
    assert raw[claim["start"] : claim["end"]] == claim["text"]
    assert any(t["start"] == "2025-02-25" for c in data["claims"] if c["id"] == "b1" for t in c["times"])


def test_cli_fail_on_warning_exits_1(capsys):
    code = main(["compare", str(FT), str(AFP), "--date", FT_DATE, "-o", "json", "--fail-on", "warning"])
    assert code == 1
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["by_severity"]["warning"] >= 2


def test_cli_text_view_shows_speaker(capsys):
    code = main(["compare", str(FT), str(AFP), "--date", FT_DATE])
    out = capsys.readouterr().out
    assert code == 0
    assert "FC103" in out and "Trump" in out


def test_html_report_end_to_end(capsys, tmp_path):
    html = tmp_path / "report.html"
    code = main(["compare", str(FT), str(AFP), "--date", FT_DATE, "-q", "--html", str(html)])
    assert code == 0
    text = html.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text and "You should have never started it." in text


def test_one_sentence_document(capsys, tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("date 2025-02-24 Brief\nRussia and the United States will hold talks in Riyadh on Tuesday.\n")
    code = main(["compare", str(one), str(AFP), "-o", "json"])
    assert code in (0, 1)
    data = json.loads(capsys.readouterr().out)
    assert len([c for c in data["claims"] if c["doc"] == "a"]) == 1


# ------------------------------------------------------------------ bad input: one line, exit 2, no output file


def _bad(capsys, tmp_path, *paths, extra=()):
    out = tmp_path / "out.json"
    code = main(["compare", *map(str, paths), "-o", "json", "--output-file", str(out), *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("factcheck: error:"), err
    assert "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".*tmp*"))
    return err


def test_bad_inputs(capsys, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert "empty" in _bad(capsys, tmp_path, empty, AFP)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02PNG\x00" * 100)
    assert "binary" in _bad(capsys, tmp_path, binary, AFP)
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Déjà vu in Brussels, the minister said.".encode("latin-1"))
    assert "UTF-8" in _bad(capsys, tmp_path, latin, AFP)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.write(b"The talks went on. " * (50_000_000 // 19 + 1))
    assert "MB" in _bad(capsys, tmp_path, huge, AFP)
    assert "no such file" in _bad(capsys, tmp_path, tmp_path / "missing.txt", AFP)
    assert "is a directory" in _bad(capsys, tmp_path, tmp_path, AFP)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(AFP.read_bytes())
    assert "identical" in _bad(capsys, tmp_path, copy, AFP)
    assert "sometimes" in _bad(capsys, tmp_path, FT, AFP, extra=("--fail-on", "sometimes"))
    assert "yesterday" in _bad(capsys, tmp_path, FT, AFP, extra=("--date", "yesterday"))
    html = tmp_path / "page.html"
    html.write_text("<html><head><script>var x = 1;</script></head><body><nav>Home</nav></body></html>")
    assert "page.html" in _bad(capsys, tmp_path, html, AFP)
