"""Baselines: what is recorded, the file format, content fingerprints that survive moved lines,
and stale entries — on a hand-built report and end to end with `factcheck check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.baseline import Entry, apply_baseline, dumps, entries_for, fingerprints, load_baseline, write_baseline
from checker.cli import main
from checker.errors import UsageError
from checker.output import linters
from conftest import AFP, FT, ROOT

try:
    from tests.test_outputs import make_report, write_sample_files
except ImportError:
    from test_outputs import make_report, write_sample_files

CONTRA = ROOT / "tests" / "data" / "check" / "draft_contradicts.md"


@pytest.fixture
def report(tmp_path):
    return make_report(*write_sample_files(tmp_path))


def test_fingerprints_are_the_sarif_fingerprints(report):
    sarif = linters.to_sarif(report)
    assert fingerprints(report) == [r["partialFingerprints"][linters.FINGERPRINT_KEY] for r in sarif["runs"][0]["results"]]


def test_fingerprints_ignore_positions_and_ids(report):
    """Same rule and sentences elsewhere in the file, under other claim ids: same fingerprint."""
    before = fingerprints(report)
    shift = 40
    for doc in report.documents:
        doc.raw_text = "\n" * shift + doc.raw_text
        for n, claim in enumerate(reversed(doc.claims)):
            claim.start += shift
            claim.end += shift
            claim.index, claim.id = n, f"{claim.id}x"
        ids = {c.id[:-1]: c.id for c in doc.claims}
        for finding in report.findings:
            finding.claims = [ids.get(c, c) for c in finding.claims]
    assert [(c.line, c.column) for c in [linters.ReportIndex(report).position(report.documents[0].claims[0])]] != [(1, 1)]
    assert fingerprints(report) == before


def test_entries_record_warnings_and_errors(report):
    entries = entries_for(report)
    assert sorted(e.rule for e in entries) == ["FC102", "FC201", "FC202"]  # no info findings
    assert [e.fingerprint for e in entries] == sorted(e.fingerprint for e in entries)
    assert sorted(e.rule for e in entries_for(report, fail_on="info")) == ["FC001", "FC102", "FC201", "FC202", "FC301"]
    assert entries_for(report, fail_on="none") == entries


def test_file_round_trip(report, tmp_path):
    path = tmp_path / "baseline.json"
    write_baseline(path, entries_for(report))
    data = json.loads(path.read_text())
    assert data["tool"] == "factcheck" and data["version"] == 1
    assert {"fingerprint", "rule", "severity", "path", "message", "claims"} <= set(data["findings"][0])
    assert load_baseline(path) == entries_for(report)
    assert dumps(load_baseline(path)) == path.read_text()


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (None, "not found"),
        ("{not json", "not a factcheck baseline"),
        ('{"tool": "ruff", "findings": []}', "not a factcheck baseline"),
        ('{"tool": "factcheck", "version": 9, "findings": []}', "version 9"),
        ('{"tool": "factcheck", "version": 1, "findings": [{"rule": "FC101"}]}', "without fingerprint"),
    ],
)
def test_bad_files(tmp_path, content, match):
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UsageError, match=match):
        load_baseline(path)


def test_apply_drops_accepted_and_reports_stale(report):
    entries = entries_for(report)
    gone = Entry("0" * 32, "FC101", "error", "a.txt", "an old contradiction", ("x", "y"))
    unselected = Entry("1" * 32, "FC104", "warning", "a.txt", "an old quote mismatch", ("x",))
    out, stale = apply_baseline(report, [*entries, gone, unselected], select=["FC1", "FC2"], ignore=["FC104"])
    assert sorted(f.rule for f in out.findings) == ["FC001", "FC301"]
    assert stale == [gone]  # FC104 is ignored in this run: it could not have been found
    assert out.filtered == {"baselined": 3, "stale_baseline": 1}


# -- end to end ----------------------------------------------------------------------------------


def _check(capsys, draft: Path, *extra) -> tuple[int, dict, str]:
    code = main(["check", str(draft), "--against", str(FT), str(AFP), "--date", f"{FT}=2025-02-17", "-o", "json", *map(str, extra)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_baseline_survives_moved_lines_and_notes_stale_entries(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    baseline = tmp_path / "factcheck-baseline.json"
    draft = tmp_path / "draft.md"
    original = CONTRA.read_text(encoding="utf-8")
    draft.write_text(original, encoding="utf-8")

    code, data, err = _check(capsys, draft, "--write-baseline", baseline)
    accepted = load_baseline(baseline)
    assert code == 0 and data["findings"] == [f for f in data["findings"] if f["severity"] == "info"]
    assert {"FC201", "FC302"} <= {e.rule for e in accepted}
    assert f"wrote {len(accepted)} accepted findings to baseline {baseline}" in err
    assert data["summary"]["filtered"] == {"baselined": len(accepted), "stale_baseline": 0}

    # a new paragraph (straight from the AFP source) and blank lines above everything: lines move
    moved = original.replace("\n# US and Russia", "\n\n\nBeijing is a crucial political backer of Russia and has never condemned its invasion.\n\n\n# US and Russia")
    draft.write_text(moved, encoding="utf-8")
    code, unfiltered, _ = _check(capsys, draft)
    hundreds = next(c for c in unfiltered["claims"] if c["text"].startswith("Hundreds of soldiers"))
    assert hundreds["line"] == moved.splitlines().index(hundreds["text"]) + 1 == original.splitlines().index(hundreds["text"]) + 1 + 5
    assert code == 1 and "FC201" in {f["rule"] for f in unfiltered["findings"]}

    code, data, err = _check(capsys, draft, "--baseline", baseline)
    assert code == 0
    assert not {"FC201", "FC302"} & {f["rule"] for f in data["findings"]}
    assert data["summary"]["filtered"] == {"baselined": len(accepted), "stale_baseline": 0}
    assert "stale" not in err

    # the unsupported sentence is deleted: its entry is stale, reported in one line on stderr
    draft.write_text(moved.replace("Organisers have booked a hotel on the Bosphorus for three days of meetings.\n", ""), encoding="utf-8")
    code, data, err = _check(capsys, draft, "--baseline", baseline)
    assert code == 0 and data["summary"]["filtered"]["stale_baseline"] == 1
    notes = [line for line in err.splitlines() if "stale" in line]
    assert notes == [f"factcheck: baseline: 1 stale entry (no longer found); drop it with --write-baseline {baseline}"]

    # a run that cannot see FC302 does not call its entry stale
    code, data, err = _check(capsys, draft, "--baseline", baseline, "--select", "FC2")
    assert data["summary"]["filtered"]["stale_baseline"] == 0 and "stale" not in err

    # rewriting the baseline drops the stale entry
    _check(capsys, draft, "--baseline", baseline, "--write-baseline", baseline)
    assert {e.fingerprint for e in load_baseline(baseline)} == {e.fingerprint for e in accepted if e.rule != "FC302"}


def test_missing_baseline_fails_before_any_model(capsys, tmp_path):
    code = main(["check", str(CONTRA), "--against", str(FT), "--baseline", str(tmp_path / "nope.json")])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("factcheck: error: baseline file not found")
