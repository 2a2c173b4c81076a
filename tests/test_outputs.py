"""Formatters on a hand-built report: JSON (+ schema), SARIF, GitHub, JUnit, JSON Lines, text,
and atomic writing. No models are loaded; the report is constructed directly."""

from __future__ import annotations

import io
import json
import math
import os
import re
import stat
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from rich.console import Console

from checker.errors import UsageError
from checker.output import linters
from checker.output.json_format import SCHEMA_PATH, LineIndex, jsonable, report_to_json
from checker.output.terminal import render_text
from checker.output.write import atomic_write, atomic_write_text
from checker.rules import RULES
from checker.types import Claim, Document, Entity, Finding, Quantity, Report, TimeRef

TEXT_A = (
    "Talks in Riyadh\n"
    "Russian and US officials met in Riyadh on Tuesday, the foreign ministry said.\n"
    'Lavrov said: "We agreed to restore embassies." Officials — including café owners [sic] — counted 1,200 people.\n'
)
TEXT_B = 'US and Russian delegations met in Jeddah on Tuesday.\nLavrov said: "We did not agree on embassies."\nAbout 900 people were counted.\n'


def _claim(doc: str, index: int, raw: str, text: str, **kw) -> Claim:
    start = raw.index(text)
    return Claim(id=f"{doc}{index}", doc=doc, index=index, start=start, end=start + len(text), text=text, **kw)


def write_sample_files(directory: Path) -> tuple[Path, Path]:
    a, b = directory / "ft.txt", directory / "afp.txt"
    a.write_text(TEXT_A, encoding="utf-8")
    b.write_text(TEXT_B, encoding="utf-8")
    return a, b


def make_report(path_a: Path, path_b: Path) -> Report:
    """Two documents, every claim annotation type, and findings of every severity."""
    a_claims = [
        _claim("a", 1, TEXT_A, "Talks in Riyadh", is_heading=True),
        _claim(
            "a",
            2,
            TEXT_A,
            "Russian and US officials met in Riyadh on Tuesday, the foreign ministry said.",
            speaker="the foreign ministry",
            verb="said",
            quote="indirect",
            times=[TimeRef("Tuesday", date(2025, 2, 18), date(2025, 2, 18), "day")],
            entities=[Entity("Riyadh", "GPE", "riyadh")],
        ),
        _claim("a", 3, TEXT_A, 'Lavrov said: "We agreed to restore embassies."', speaker="Sergei Lavrov", verb="said", quote="direct"),
        _claim(
            "a",
            4,
            TEXT_A,
            "Officials — including café owners [sic] — counted 1,200 people.",
            hedges=["including"],
            quantities=[Quantity("1,200 people", 1200.0, "people")],
        ),
    ]
    b_claims = [
        _claim(
            "b",
            1,
            TEXT_B,
            "US and Russian delegations met in Jeddah on Tuesday.",
            entities=[Entity("Jeddah", "GPE", "jeddah")],
            times=[TimeRef("Tuesday", date(2025, 2, 18), None, "day")],
        ),
        _claim("b", 2, TEXT_B, 'Lavrov said: "We did not agree on embassies."', speaker="Sergei Lavrov", verb="said", quote="direct", dispute_markers=["did not"]),
        _claim("b", 3, TEXT_B, "About 900 people were counted.", quantities=[Quantity("About 900 people", 900.0, "people", "about")]),
    ]
    docs = [
        Document("a", path_a, TEXT_A, [(0, len(TEXT_A))], title="Riyadh talks", source="FT", date=date(2025, 2, 17), claims=a_claims),
        Document("b", path_b, TEXT_B, [(0, len(TEXT_B))], title=None, source=None, date=None, claims=b_claims),
    ]
    findings = [
        Finding(
            "f1",
            "entity_mismatch",
            "error",
            "FC202",
            "The reports place the meeting in different cities: Riyadh, Jeddah.",
            ["a2", "b1"],
            scores={"contradiction": 0.91},
            check="entity",
            details={"a": "riyadh", "b": "jeddah"},
        ),
        Finding("f2", "agreement", "info", "FC001", "Both reports say the delegations met on Tuesday.", ["a2", "b1"], scores={"entailment": 0.88}),
        Finding("f3", "attributed_disagreement", "warning", "FC102", "Lavrov is quoted differently on embassies.", ["a3", "b2"], check="attribution"),
        Finding(
            "f4",
            "numeric_mismatch",
            "error",
            "FC201",
            "Crowd size: 1,200 vs about 900.",
            ["a4", "b3"],
            check="number",
            details={"values": (1200.0, 900.0), "when": date(2025, 2, 18), "ratio": float("nan")},
        ),
        Finding("f5", "only_in_a", "info", "FC301", "Only in a: the headline.", ["a1"], check="alignment"),
    ]
    return Report(docs, findings, models={"nli": "default", "embedding": "all-MiniLM-L6-v2"}, timings={"total": 1.5})


@pytest.fixture
def report(tmp_path: Path) -> Report:
    return make_report(*write_sample_files(tmp_path))


def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# -- JSON --------------------------------------------------------------------------------------


def test_json_report_validates_against_schema(report):
    data = json.loads(json.dumps(report_to_json(report), allow_nan=False))
    errors = list(_validator().iter_errors(data))
    assert not errors, [e.message for e in errors]
    assert data["schema_version"] == "1.2"
    assert data["tool"]["name"] == "factcheck"
    assert data["summary"]["by_severity"] == {"error": 2, "warning": 1, "info": 2}
    assert data["summary"]["claims"] == 7 and data["summary"]["documents"] == 2
    assert data["summary"]["by_kind"]["only_in_a"] == 1
    assert data["findings"][3]["details"] == {"values": [1200.0, 900.0], "when": "2025-02-18", "ratio": None}


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d["claims"][0].pop("line"),
        lambda d: d.pop("summary"),
        lambda d: d["findings"][0].__setitem__("severity", "fatal"),
        lambda d: d["findings"][0].__setitem__("rule", "FC999"),
        lambda d: d["claims"][1].__setitem__("line", "2"),
        lambda d: d["documents"][0].__setitem__("date", "17 Feb 2025"),
        lambda d: d["findings"][0].__setitem__("claims", "a2"),
        lambda d: d["claims"][0].__setitem__("surprise", 1),
    ],
)
def test_schema_rejects_broken_reports(report, mutate):
    data = report_to_json(report)
    mutate(data)
    assert list(_validator().iter_errors(json.loads(json.dumps(data))))


def test_schema_enums_match_rules():
    schema = json.loads(SCHEMA_PATH.read_text())
    finding = schema["$defs"]["finding"]["properties"]
    assert finding["rule"]["enum"] == [r.code for r in RULES]
    kinds = set(finding["kind"]["anyOf"][0]["enum"])
    assert kinds == {r.kind for r in RULES} - {"only_in"}
    assert re.match(finding["kind"]["anyOf"][1]["pattern"], "only_in_c")


def test_claim_positions_are_one_based_and_exclusive(report):
    data = report_to_json(report)
    by_id = {c["id"]: c for c in data["claims"]}
    assert (by_id["a1"]["line"], by_id["a1"]["column"]) == (1, 1)
    a4 = by_id["a4"]
    assert a4["line"] == 3
    assert a4["column"] == len('Lavrov said: "We agreed to restore embassies." ') + 1
    for claim in data["claims"]:
        raw = TEXT_A if claim["doc"] == "a" else TEXT_B
        line = raw.splitlines()[claim["line"] - 1]
        assert claim["end_line"] == claim["line"]
        assert line[claim["column"] - 1 : claim["end_column"] - 1] == claim["text"]


def test_line_index_edge_cases():
    index = LineIndex("ab\ncd\n")
    assert index.position(0) == (1, 1)
    assert index.position(3) == (2, 1)
    assert index.position(99) == (3, 1)  # clamped to the end
    span = index.span(3, 6)  # "cd\n": ends on its own line, not at 3:1
    assert (span.line, span.column, span.end_line, span.end_column) == (2, 1, 2, 3)


def test_jsonable_makes_strict_json():
    value = jsonable({"d": date(2025, 1, 2), "p": Path("x/y"), "t": (1, 2), "s": {2, 1}, "n": math.inf})
    assert value == {"d": "2025-01-02", "p": "x/y", "t": [1, 2], "s": [1, 2], "n": None}


# -- SARIF -------------------------------------------------------------------------------------


def test_sarif_structure(report, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    sarif = json.loads(json.dumps(linters.to_sarif(report)))
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in RULES]
    assert all(r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] in {"error", "warning", "note"} for r in rules)
    assert run["columnKind"] == "unicodeCodePoints"
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["ft.txt", "afp.txt"]  # relative to the cwd
    assert len(run["results"]) == len(report.findings)
    for result, finding in zip(run["results"], report.findings):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]]["id"] == finding.rule
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[finding.severity]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= region.keys()
        assert len(result.get("relatedLocations", [])) == len(finding.claims) - 1
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["factcheck/v1"])
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    related = first["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"] == {"uri": "afp.txt", "index": 1}


def test_sarif_absolute_uri_outside_cwd(report, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    uri = linters.to_sarif(report)["runs"][0]["artifacts"][0]["location"]["uri"]
    assert uri.startswith("file://") and uri.endswith("/ft.txt")


def test_fingerprint_ignores_ids_order_and_typesetting(report):
    finding = report.findings[0]
    claims = [report.claim(c) for c in finding.claims]
    moved = [Claim(id="zz", doc=c.doc, index=9, start=0, end=1, text="  " + c.text.upper() + " ") for c in reversed(claims)]
    assert linters.fingerprint(finding, claims) == linters.fingerprint(finding, moved)
    other_rule = Finding("x", "contradiction", "error", "FC101", "m", finding.claims)
    assert linters.fingerprint(other_rule, claims) != linters.fingerprint(finding, claims)


# -- GitHub ------------------------------------------------------------------------------------

GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=FC\d{3}::[^\n]+$")


def test_github_annotations(report, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = linters.to_github(report).splitlines()
    assert len(lines) == 3  # info findings are left out by default
    assert all(GITHUB_LINE.match(line) for line in lines), lines
    assert lines[0].startswith("::error file=ft.txt,line=2,col=1,endLine=2,endColumn=78,title=FC202::")
    assert "%0Aafp.txt:1:1: " in lines[0]  # the other claim, newline-escaped
    with_info = linters.to_github(report, show_info=True).splitlines()
    assert len(with_info) == 5 and sum(line.startswith("::notice ") for line in with_info) == 2


def test_github_escapes_properties_and_data(report, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report.documents[0].path = tmp_path / "a,b:c.txt"
    report.findings[0].message = "100% sure\nreally"
    line = linters.to_github(report).splitlines()[0]
    assert "file=a%2Cb%3Ac.txt," in line
    assert "::100%25 sure%0Areally" in line


# -- JUnit -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fail_on", "failures"), [("error", 2), ("warning", 3), ("info", 5), ("none", 0)])
def test_junit_failures(report, fail_on, failures):
    root = ET.fromstring(linters.to_junit(report, fail_on=fail_on).split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert int(root.get("failures")) == failures == len(root.findall(".//failure"))
    # a testcase per finding, plus a passing one for document b, which holds no first claim
    assert int(root.get("tests")) == len(report.findings) + 1 == len(root.findall(".//testcase"))
    suites = root.findall("testsuite")
    assert len(suites) == 2  # one per document; findings filed under their first claim's document
    assert sum(int(s.get("failures")) for s in suites) == failures
    failure = root.find(".//failure")
    if failure is not None:
        assert failure.get("type").startswith("FC") and failure.get("message")


def test_junit_document_without_findings_has_a_passing_case(report):
    report.findings = [f for f in report.findings if f.claims[0].startswith("b")]
    root = ET.fromstring(linters.to_junit(report).encode())
    first = root.findall("testsuite")[0]
    cases = first.findall("testcase")
    assert len(cases) == 1 and cases[0].get("name") == "no findings" and first.get("failures") == "0"


# -- JSON Lines --------------------------------------------------------------------------------


def test_json_lines(report):
    lines = linters.to_json_lines(report).splitlines()
    assert len(lines) == len(report.findings)
    first = json.loads(lines[0])
    assert first["rule"] == "FC202" and first["severity"] == "error"
    assert [c["id"] for c in first["claims"]] == ["a2", "b1"]
    assert first["claims"][0]["line"] == 2 and first["claims"][0]["path"].endswith("ft.txt")
    assert json.loads(lines[3])["details"]["ratio"] is None  # NaN never reaches the output


# -- terminal ----------------------------------------------------------------------------------


def _text(report: Report, **kw) -> str:
    buffer = io.StringIO()
    render_text(report, Console(file=buffer, width=200, color_system=None), **kw)
    return buffer.getvalue()


def test_terminal_view(report):
    out = _text(report)
    assert "Riyadh talks (FT)" in out and "2025-02-17" in out and "ft.txt" in out and "no date" in out
    assert out.index("error[FC201]") < out.index("error[FC202]") < out.index("warning[FC102]")
    assert "FC001" not in out and "FC301" not in out  # info hidden by default ...
    assert "2 info not shown" in out  # ... but counted
    assert "Found 5 findings (2 errors, 1 warning, 2 info)" in out
    assert "a:3:48" in out and "[sic]" in out  # document text is never parsed as markup
    assert "— Sergei Lavrov, said, direct quote" in out


def test_terminal_show_info_and_quiet(report):
    assert "info[FC001]" in _text(report, show_info=True)
    quiet = _text(report, quiet=True)
    assert "Found" not in quiet and "Riyadh talks" not in quiet and "error[FC202]" in quiet


def test_terminal_no_findings(report):
    report.findings = []
    assert "No findings." in _text(report)


# -- atomic writes -----------------------------------------------------------------------------


def test_atomic_write_success(tmp_path):
    target = tmp_path / "out.json"
    atomic_write_text(target, "hello\n")
    assert target.read_text() == "hello\n"
    assert os.listdir(tmp_path) == ["out.json"]
    mode = stat.S_IMODE(target.stat().st_mode)
    assert mode & 0o044, oct(mode)  # not mkstemp's 0600


def test_atomic_write_failure_leaves_nothing(tmp_path):
    target = tmp_path / "out.json"

    def writer(fh):
        fh.write("partial")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        atomic_write(target, writer)
    assert os.listdir(tmp_path) == []


def test_atomic_write_failure_keeps_existing_file(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        atomic_write(target, lambda fh: (_ for _ in ()).throw(RuntimeError("boom")))
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.json"]


def test_atomic_write_missing_directory(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        atomic_write_text(tmp_path / "nope" / "out.json", "x")


def test_docs_cover_every_schema_field():
    schema = json.loads(SCHEMA_PATH.read_text())
    doc = (Path(__file__).resolve().parents[1] / "docs" / "json-schema.md").read_text()
    names = set(schema["properties"])
    for definition in schema["$defs"].values():
        names |= set(definition.get("properties", {}))
    missing = sorted(n for n in names if f"`{n}`" not in doc and n not in doc)
    assert not missing, missing


def test_output_registry_is_what_the_command_line_offers(report):
    """Formats are a registry, name -> writer (issue 12); the CLI's --output-format choices are its names."""
    from checker.cli import OutputFormat
    from checker.output import WRITERS, WriteOptions, render

    assert [f.value for f in OutputFormat] == list(WRITERS) == ["text", "json", "json-lines", "sarif", "github", "gitlab", "junit"]
    assert render(report, "json") == json.dumps(report_to_json(report), indent=2, ensure_ascii=False) + "\n"
    assert render(report, "github", WriteOptions(show_info=True)) != render(report, "github")  # options reach the writer
    with pytest.raises(UsageError, match="unknown output format 'xml'"):
        render(report, "xml")
