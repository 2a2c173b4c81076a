"""`factcheck check`: drafts judged against the Riyadh fixtures, every output format, exit codes.

The drafts in tests/data/check/ were written from the two fixture articles:

* draft_contradicts.md gets the story wrong in known places: the follow-up meeting moved to
  Istanbul (in the lede and in the AFP source's quote), Lavrov "did not attend" last week's talks,
  last week's meeting dated February 11 (it was Tuesday 18 February: "a week ago" in AFP), the
  death toll given as "hundreds" (AFP: "tens of thousands"), and a hotel booking on the Bosphorus
  that no source mentions;
* draft_consistent.md restates the same facts faithfully;
* draft_self.md contradicts itself (two death tolls), for the check without sources.

Asserted: the numeric, unsupported, different-time and quote findings. Known misses of the shipped
model, recorded in BENCHMARKS.md rather than asserted: "Lavrov did not attend" (NLI contradiction
below threshold) and the unquoted Istanbul lede (entity check lacks NLI support).
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from checker.cli import expand_against, main
from checker.config import Settings
from checker.output.json_format import SCHEMA_PATH
from conftest import AFP, FT, ROOT

DATA = ROOT / "tests" / "data" / "check"
CONTRA = DATA / "draft_contradicts.md"
CONSISTENT = DATA / "draft_consistent.md"
SELF = DATA / "draft_self.md"
DATES = [None, date(2025, 2, 17), None]  # the draft (front matter), FT (no date line), AFP (date line)
FT_DATE = f"{FT}=2025-02-17"

HUNDREDS = "Hundreds of soldiers from both sides"
BOSPHORUS = "Organisers have booked a hotel on the Bosphorus"
FEB_11 = "met in Riyadh on February 11"


# -- fixtures ------------------------------------------------------------------------------------


def _check(draft: Path, sources, cache: Path, dates=None):
    from checker.check import check_draft

    return check_draft(draft, sources, dates=dates, settings=Settings(cache_dir=str(cache)))


@pytest.fixture(scope="session")
def contradicts(factcheck_cache):
    return _check(CONTRA, [FT, AFP], factcheck_cache, DATES)


@pytest.fixture(scope="session")
def consistent(factcheck_cache):
    return _check(CONSISTENT, [FT, AFP], factcheck_cache, DATES)


def _find(report, rule: str, *subs: str):
    """Findings of ``rule`` whose claims contain every substring in ``subs`` (each in some claim)."""
    out = []
    for f in report.findings:
        texts = [report.claim(c).text for c in f.claims]
        if f.rule == rule and all(any(s in t for t in texts) for s in subs):
            out.append(f)
    return out


def _line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return n
    raise AssertionError(text)


# -- what the contradicting draft gets ----------------------------------------------------------


def test_draft_is_document_a_and_sources_follow(contradicts):
    a, b, c = contradicts.documents
    assert (a.path, b.path, c.path) == (CONTRA, FT, AFP)
    assert (a.date, b.date, c.date) == (date(2025, 2, 24), date(2025, 2, 17), date(2025, 2, 24))
    assert a.title == "US and Russia to hold follow-up talks in Istanbul"


def test_wrong_death_toll_is_a_numeric_mismatch(contradicts):
    found = _find(contradicts, "FC201", HUNDREDS, "Tens of thousands of soldiers")
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error" and f.check == "number" and f.kind == "numeric_mismatch"
    assert contradicts.claim(f.claims[0]).doc == "a"  # the draft is the primary location
    assert contradicts.claim(f.claims[1]).doc == "c"  # AFP


def test_claim_no_source_makes_is_unsupported(contradicts):
    found = _find(contradicts, "FC302", BOSPHORUS)
    assert len(found) == 1
    f = found[0]
    assert (f.kind, f.severity, f.check, len(f.claims)) == ("unsupported", "warning", "alignment", 1)
    assert f.scores["best_similarity"] < 0.45
    # every other draft sentence has a counterpart in the sources
    assert [contradicts.claim(g.claims[0]).text for g in contradicts.findings if g.rule == "FC302"] == [contradicts.claim(f.claims[0]).text]


def test_wrong_date_is_reported_as_a_different_time(contradicts):
    """'February 11' vs AFP's 'a week ago' (week of 17 February): the decision policy cannot tell a
    wrong date from a different event, so this is FC203 different_time (info), never an error."""
    found = _find(contradicts, "FC203", FEB_11, "A week ago, U.S. and Russian delegations")
    assert len(found) == 1 and found[0].severity == "info"
    assert found[0].details["time_a"] == "2025-02-11"
    assert not _find(contradicts, "FC101", FEB_11) and not _find(contradicts, "FC202", FEB_11)


def test_istanbul_in_the_quote_is_a_quote_mismatch(contradicts):
    """The draft changes the place inside AFP's quotation of its source: the quotation no longer matches.
    (The unquoted "due to meet in Istanbul" sentence is a known miss: the shipped NLI model's contradiction
    score for it stays below the entity check's 0.5 support floor — see BENCHMARKS.md.)"""
    found = _find(contradicts, "FC104", 'will "meet in Istanbul on Tuesday,"', 'will "meet in Riyadh on Tuesday,"')
    assert len(found) == 1 and found[0].severity == "warning"
    assert "Istanbul" in found[0].details["quote_a"] and "Riyadh" in found[0].details["quote_b"]


def test_findings_point_at_the_draft_and_sources_only_add_context(contradicts):
    assert contradicts.findings
    for f in contradicts.findings:
        docs = [contradicts.claim(c).doc for c in f.claims]
        assert docs[0] == "a", f
        assert all(d in ("b", "c") for d in docs[1:]), f
    kinds = {f.kind for f in contradicts.findings}
    assert not any(k.startswith("only_in") for k in kinds)  # what only a source says is not reported
    assert [f.id for f in contradicts.findings] == [f"F{i}" for i in range(1, len(contradicts.findings) + 1)]


def test_consistent_draft_has_no_error(consistent):
    assert not [f for f in consistent.findings if f.severity == "error"], [f.message for f in consistent.findings]
    assert not [f for f in consistent.findings if f.rule == "FC302"]  # every sentence is supported


def test_self_check_finds_the_draft_contradicting_itself(factcheck_cache):
    report = _check(SELF, [], factcheck_cache)
    assert [d.path for d in report.documents] == [SELF]
    found = _find(report, "FC201", "Tens of thousands of soldiers", "Hundreds of soldiers")
    assert len(found) == 1 and found[0].severity == "error"
    assert not [f for f in report.findings if f.rule in ("FC001", "FC302", "FC301")]


def test_self_alignment_skips_a_claim_and_its_neighbours():
    import numpy as np

    from checker.check import _within_documents
    from checker.types import Claim, Document

    claims = [Claim(f"a{i + 1}", "a", i, 0, 1, f"s{i}") for i in range(5)]
    doc = Document("a", Path("d.md"), "x", [(0, 1)], claims=claims)
    same = np.ones(4, dtype=np.float32) / 2  # every claim identical: similarity 1.0 everywhere
    alignment = _within_documents([doc], {c.id: same for c in claims}, top_k=5, min_similarity=0.5)
    pairs = {(c.a.index, c.b.index) for c in alignment.candidates}
    assert pairs == {(i, j) for i in range(5) for j in range(i + 2, 5)}
    assert alignment.unmatched == []


def test_doc_ids_continue_after_z():
    from checker.check import doc_id

    assert [doc_id(i) for i in (0, 25, 26, 27, 51, 52)] == ["a", "z", "aa", "ab", "az", "ba"]


# -- the command line, end to end -----------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_check_end_to_end_json(capsys, monkeypatch, contradicts):
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "check", CONTRA, "--against", FT, AFP, "--date", FT_DATE, "-o", "json")
    assert code == 1, err
    data = json.loads(out)
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert [d["path"] for d in data["documents"]] == [str(CONTRA), str(FT), str(AFP)]
    assert sorted(f["rule"] for f in data["findings"]) == sorted(f.rule for f in contradicts.findings)
    assert {"FC201", "FC302"} <= set(data["summary"]["by_rule"])


def _install_fake(monkeypatch, report):
    """The engine (checker.pipeline.judge_job) replaced by one returning a copy of ``report`` and
    recording its job; validation, post-processing and outputs run for real."""
    import checker.pipeline

    calls: list[dict] = []
    state = {"report": report}

    def fake(job, settings, progress=None):
        assert job.mode == "check"
        calls.append(
            {"drafts": list(job.paths[: job.drafts]), "sources": list(job.paths[job.drafts :]), "dates": list(job.dates) if job.dates is not None else None, "settings": settings}
        )
        return copy.deepcopy(state["report"])

    fake.calls = calls  # type: ignore[attr-defined]
    fake.state = state  # type: ignore[attr-defined]
    monkeypatch.setattr(checker.pipeline, "judge_job", fake)
    monkeypatch.chdir(ROOT)
    return fake


@pytest.fixture
def fake_check(monkeypatch, contradicts):
    """The session's real report, without re-running the pipeline for every format."""
    return _install_fake(monkeypatch, contradicts)


@pytest.fixture
def fake_light(monkeypatch, tmp_path):
    """A hand-built report (two errors): for option parsing, no model needed."""
    try:
        from tests.test_outputs import make_report, write_sample_files
    except ImportError:
        from test_outputs import make_report, write_sample_files
    return _install_fake(monkeypatch, make_report(*write_sample_files(tmp_path)))


def _args(*extra):
    return ["check", CONTRA, "--against", FT, AFP, "--date", FT_DATE, *extra]


def test_sarif(capsys, fake_check):
    code, out, _ = run(capsys, *_args("-o", "sarif"))
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    run0 = sarif["runs"][0]
    rule_ids = [r["id"] for r in run0["tool"]["driver"]["rules"]]
    assert "FC302" in rule_ids and run0["columnKind"] == "unicodeCodePoints"
    draft_uri = "tests/data/check/draft_contradicts.md"
    assert run0["artifacts"][0]["location"]["uri"] == draft_uri
    for result in run0["results"]:
        assert result["ruleId"] in rule_ids and rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == draft_uri  # findings point at the draft
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["factcheck/v1"])
        for related in result.get("relatedLocations", []):
            assert related["physicalLocation"]["artifactLocation"]["uri"].startswith("fixtures/")
    numeric = next(r for r in run0["results"] if r["ruleId"] == "FC201")
    assert numeric["level"] == "error"
    assert numeric["locations"][0]["physicalLocation"]["region"]["startLine"] == _line_of(CONTRA, HUNDREDS)


GITHUB_LINE = re.compile(r"::(error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>\d+),col=\d+,endLine=\d+,endColumn=\d+,title=(?P<rule>FC\d{3})::(?P<msg>.+)")


def test_github_annotations(capsys, fake_check):
    code, out, _ = run(capsys, *_args("-o", "github"))
    assert code == 1
    lines = out.splitlines()
    assert lines and all(GITHUB_LINE.fullmatch(line) for line in lines), out
    parsed = [GITHUB_LINE.fullmatch(line) for line in lines]
    assert all(m["file"] == "tests/data/check/draft_contradicts.md" for m in parsed)
    numeric = next(m for m in parsed if m["rule"] == "FC201")
    assert numeric.group(1) == "error" and int(numeric["line"]) == _line_of(CONTRA, HUNDREDS)
    assert "%0Afixtures/riyadh-followup-afp-2025-02-24.txt:" in numeric["msg"]  # the source claim, escaped newline
    unsupported = next(m for m in parsed if m["rule"] == "FC302")
    assert unsupported.group(1) == "warning" and int(unsupported["line"]) == _line_of(CONTRA, BOSPHORUS)
    assert not any(m.group(1) == "notice" for m in parsed)  # info only with --show-info


def test_junit(capsys, fake_check, contradicts):
    code, out, _ = run(capsys, *_args("-o", "junit", "--fail-on", "warning"))
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    failing = [f for f in contradicts.findings if f.severity in ("error", "warning")]
    assert int(root.get("failures")) == len(failing)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    draft_suite = suites["tests/data/check/draft_contradicts.md"]
    failures = {c.find("failure").get("type"): c for c in draft_suite.iter("testcase") if c.find("failure") is not None}
    assert {"FC201", "FC302"} <= set(failures)
    assert failures["FC201"].get("line") == str(_line_of(CONTRA, HUNDREDS))


def test_gitlab_code_quality(capsys, fake_check):
    code, out, _ = run(capsys, *_args("-o", "gitlab"))
    assert code == 1
    issues = json.loads(out)
    assert isinstance(issues, list) and issues
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert re.fullmatch(r"FC\d{3}", issue["check_name"])
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["path"] == "tests/data/check/draft_contradicts.md"
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    numeric = next(i for i in issues if i["check_name"] == "FC201")
    assert numeric["severity"] == "critical" and numeric["location"]["lines"]["begin"] == _line_of(CONTRA, HUNDREDS)
    assert next(i for i in issues if i["check_name"] == "FC302")["severity"] == "major"
    assert not any(i["severity"] == "info" for i in issues)
    _, with_info, _ = run(capsys, *_args("-o", "gitlab", "--show-info"))
    assert any(i["severity"] == "info" for i in json.loads(with_info))


def test_json_lines_and_text(capsys, fake_check):
    code, out, _ = run(capsys, *_args("-o", "json-lines"))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and {"FC201", "FC302"} <= {r["rule"] for r in rows}
    assert all(r["claims"][0]["path"] == str(CONTRA) for r in rows)
    code, out, _ = run(capsys, *_args())
    assert code == 1 and "error[FC201]" in out and "warning[FC302]" in out


@pytest.mark.parametrize(
    ("args", "contradicting", "consistent_code"),
    [
        ([], 1, 0),
        (["--fail-on", "error"], 1, 0),
        (["--fail-on", "warning"], 1, 0),
        (["--fail-on", "info"], 1, 1),  # the consistent draft has info findings (different times)
        (["--fail-on", "none"], 0, 0),
        (["--exit-zero"], 0, 0),
        (["--ignore", "FC1,FC2"], 0, 0),  # the unsupported-claim warning is below the default --fail-on error
        (["--ignore", "FC1,FC2", "--fail-on", "warning"], 1, 0),
        (["--select", "FC302", "--fail-on", "warning"], 1, 0),
    ],
)
def test_exit_codes(capsys, fake_check, consistent, args, contradicting, consistent_code):
    assert run(capsys, *_args("-o", "json", *args))[0] == contradicting
    fake_check.state["report"] = consistent
    assert run(capsys, "check", CONSISTENT, "--against", FT, AFP, "-o", "json", *args)[0] == consistent_code


# -- command-line parsing (no models) --------------------------------------------------------------


def test_expand_against():
    assert expand_against(["d.md", "--against", "a", "b", "-o", "json", "e.md"]) == ["d.md", "--against", "a", "--against", "b", "-o", "json", "e.md"]
    assert expand_against(["--against=a", "d1.md", "d2.md"]) == ["--against=a", "d1.md", "d2.md"]  # pre-commit form
    assert expand_against(["d.md", "--against"]) == ["d.md", "--against"]
    assert expand_against(["d.md", "--against", "--quiet"]) == ["d.md", "--against", "--quiet"]


def test_globs_are_expanded_and_drafts_that_are_sources_skipped(capsys, fake_light):
    code, _, err = run(capsys, "check", "tests/data/check/draft_*.md", "--against", "fixtures/*.txt", "tests/data/check/draft_self.md")
    assert code == 1
    call = fake_light.calls[0]
    assert [p.name for p in call["drafts"]] == ["draft_consistent.md", "draft_contradicts.md"]
    assert [p.name for p in call["sources"]] == [AFP.name, FT.name, "draft_self.md"]
    assert "not checking tests/data/check/draft_self.md: also given as a source" in err


def test_pre_commit_form(capsys, fake_light):
    code, _, _ = run(capsys, "check", f"--against={FT}", f"--against={AFP}", "--date", FT_DATE, CONTRA, CONSISTENT)
    assert code == 1
    call = fake_light.calls[0]
    assert call["drafts"] == [CONTRA, CONSISTENT] and call["sources"] == [FT, AFP]
    assert call["dates"] == [None, None, date(2025, 2, 17), None]
    assert call["settings"].cache_dir  # the CLI caches by default


def test_usage_errors(capsys, fake_light, tmp_path):
    code, _, err = run(capsys, "check", "drafts/*.md", "--against", FT)
    assert code == 2 and err.startswith("factcheck: error: draft pattern 'drafts/*.md' matches no files")
    code, _, err = run(capsys, "check", CONTRA, "--against", tmp_path / "missing.txt")
    assert code == 2 and "no such file" in err
    code, _, err = run(capsys, "check", CONTRA, "--against")
    assert code == 2 and "--against" in err
    code, _, err = run(capsys, "check", CONTRA, "--against", FT, "--output-file", FT)
    assert code == 2 and "input" in err
    assert fake_light.calls == []
    code, out, err = run(capsys, "check", FT, "--against", FT)
    assert (code, out) == (0, "") and "no drafts to check" in err


def test_cache_options(capsys, fake_light, tmp_path, monkeypatch, factcheck_cache):
    run(capsys, "check", CONTRA, "--against", FT, "--no-cache")
    run(capsys, "check", CONTRA, "--against", FT, "--cache-dir", tmp_path / "c")
    run(capsys, "check", CONTRA, "--against", FT)
    (tmp_path / "factcheck.toml").write_text('cache_dir = "from-config"\n')
    monkeypatch.chdir(tmp_path)
    run(capsys, "check", CONTRA, "--against", FT)
    assert [c["settings"].cache_dir for c in fake_light.calls] == ["", str(tmp_path / "c"), str(factcheck_cache), "from-config"]
