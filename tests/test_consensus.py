"""Consensus across three or more reports (checker/consensus.py) on four real FNC-1 articles of one story.

fixtures/fnc1/: four bodies about "Crabzilla" off Whitstable (README there). Read as an editor,
the four reports share Quinton Winter's quotations ("At first all I could see was some faint
movement…", "Now I know better."); three say an edible crab grows to about five inches (128:
"up to 5 inches", 2380 and 733: "an average of five inches") while 2282 says "10 inches" — the
odd one out on a figure; 2380 carries both (a caption repeats 2282's "no more than 10 inches");
and 128 alone quotes Winter with "sandbank" where the other three print "sand bank".

One compare run for the module, through the command line (JSON and HTML); the library run and the
two-document run that follow are answered from the session's embeddings/NLI cache.
"""

from __future__ import annotations

import json

import jsonschema
import pytest

from checker.cli import main
from checker.config import Settings
from checker.consensus import majority
from checker.output import render
from checker.output.json_format import SCHEMA_PATH
from conftest import FIXTURES

STORY = [FIXTURES / "fnc1" / f"crabzilla-{n}.txt" for n in (128, 2282, 2380, 733)]  # documents a, b, c, d


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("consensus")
    code = main(["compare", *map(str, STORY), "-o", "json", "--output-file", str(out / "report.json"), "--html", str(out / "report.html"), "--exit-zero"])
    assert code == 0
    return json.loads((out / "report.json").read_text()), (out / "report.html").read_text()


@pytest.fixture(scope="module")
def report(cli_run, factcheck_cache):
    import checker

    return checker.run(STORY, Settings(cache_dir=str(factcheck_cache)))


def _group(groups, text, key=lambda g: g["claims"], claim_text=None):
    """The one group holding a claim whose text contains ``text``."""
    found = [g for g in groups if any(text in claim_text[c] for c in key(g))]
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.fixture(scope="module")
def groups(cli_run):
    data, _ = cli_run
    texts = {c["id"]: c["text"] for c in data["claims"]}
    return lambda text: _group(data["consensus"], text, claim_text=texts), texts


def test_json_validates_and_counts_reports(cli_run):
    data, _ = cli_run
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert data["schema_version"] == "1.2"
    assert [g["id"] for g in data["consensus"]] == [f"G{n}" for n in range(1, len(data["consensus"]) + 1)]
    assert all(g["total"] == 4 and g["support"] == len(g["reports"]) for g in data["consensus"])
    every_claim = [c for g in data["consensus"] for c in g["claims"]]
    assert len(every_claim) == len(set(every_claim))  # a claim is in one group at most


def test_odd_one_out_on_a_figure(groups):
    find, texts = groups
    crab = find("normally only grows to 10 inches")
    assert crab["reports"] == ["a", "b", "c", "d"] and crab["status"] == "contested"
    assert any("up to 5 inches" in texts[c] for c in crab["claims"])  # 128's sentence is in the same group
    assert sum(texts[c].startswith("It is shaped like an edible crab") for c in crab["claims"]) == 3  # c twice (caption), d once
    (figure,) = [d for d in crab["divergences"] if d["aspect"] == "figure"]
    assert figure["majority"] == ["a", "c", "d"] and figure["majority_value"] == "five inches"
    (odd,) = figure["odd"]
    assert odd["report"] == "b" and odd["value"] == "10 inches"
    assert "normally only grows to 10 inches" in texts[odd["claims"][0]]
    assert figure["message"] == "3 of 4 reports: five inches; report b: 10 inches"
    assert figure["rules"] == ["FC201"]


def test_shared_quotations_in_all_four_reports(groups):
    find, texts = groups
    for quote in ("At first all I could see was some faint movement", "It had glazed blank eyes on stalks", "Now I know better"):
        g = find(quote)
        assert g["reports"] == ["a", "b", "c", "d"] and g["status"] == "shared", g
        assert len(g["claims"]) == 4 and all(quote in texts[c] for c in g["claims"])


def test_odd_one_out_on_a_quotation(groups):
    find, _ = groups
    g = find("showed an odd-shaped sandbank")
    assert g["reports"] == ["a", "b", "c", "d"]
    (quotation,) = [d for d in g["divergences"] if d["aspect"] == "quotation"]
    assert quotation["majority"] == ["b", "c", "d"] and quotation["majority_value"] == "sand bank"
    assert [(v["report"], v["value"]) for v in quotation["odd"]] == [("a", "sandbank")]


def test_two_reports_and_singletons(groups, cli_run):
    find, texts = groups
    copy = find("The photograph was posted on a website called Weird Whitstable")
    assert copy["reports"] == ["c", "d"] and copy["status"] == "shared"  # 2380 and 733 are near copies
    for only, doc in (("You don't say.", "a"), ("Could it be...?", "a"), ("It dwarfs the fishing boasts", "c")):
        g = find(only)
        assert g["status"] == "single" and g["reports"] == [doc] and g["support"] == 1
        assert g["message"].startswith(f"only in report {doc}: ")
    headings = [c["id"] for c in cli_run[0]["claims"] if c["is_heading"]]
    assert headings and not any(g["status"] == "single" and g["claims"][0] in headings for g in cli_run[0]["consensus"])  # a headline is never "only in"


def test_library_run_matches_the_command_line(report, cli_run):
    data, _ = cli_run
    assert [(g.id, g.status, g.claims, g.reports) for g in report.consensus] == [(g["id"], g["status"], g["claims"], g["reports"]) for g in data["consensus"]]
    # headings are never singletons; every other claim is in exactly one group
    grouped = {c for g in report.consensus for c in g.claims}
    body = {c.id for d in report.documents for c in d.claims if not c.is_heading}
    assert body <= grouped


def test_terminal_summary(report):
    text = render(report, "text")
    assert "Consensus across 4 reports:" in text
    assert "figure: 3 of 4 reports: five inches; report b: 10 inches" in text
    assert "quotation: 3 of 4 reports: sand bank; report a: sandbank" in text
    shared = next(g for g in report.consensus if g.status == "shared")
    assert f"   {shared.id} " not in text  # shared groups only with --show-info
    from checker.output import WriteOptions

    assert f"   {shared.id} " in render(report, "text", WriteOptions(show_info=True))
    assert "Consensus" not in render(report, "text", WriteOptions(quiet=True))


def test_html_group_view(cli_run, report):
    _, html = cli_run
    assert '<details class="consensus" open>' in html
    contested = next(g for g in report.consensus if g.divergences and g.divergences[0].message.endswith("report b: 10 inches"))
    row = html[html.index(f'data-group="{contested.id}"') :]
    row = row[: row.index("</tr>")]
    assert row.count('class="gm ') == 4  # one marker per report
    assert 'class="gm m-odd" title="B: odd one out on a figure"' in row
    assert row.count("m-carry") == 3 and "4/4" in row
    assert "3 of 4 reports: five inches; report b: 10 inches" in row


def test_two_documents_have_no_consensus(cli_run, tmp_path, factcheck_cache):
    import checker

    out = tmp_path / "two.json"
    assert main(["compare", str(STORY[0]), str(STORY[1]), "-o", "json", "--output-file", str(out), "--html", str(tmp_path / "two.html"), "--exit-zero"]) == 0
    data = json.loads(out.read_text())
    assert "consensus" not in data
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text()))
    assert 'class="consensus"' not in (tmp_path / "two.html").read_text()
    assert checker.run(STORY[:2], Settings(cache_dir=str(factcheck_cache))).consensus == []


def test_min_reports_setting(cli_run, factcheck_cache):
    import checker

    assert checker.run(STORY, Settings(cache_dir=str(factcheck_cache), consensus_min_reports=5)).consensus == []


def test_majority_needs_a_unique_conflict_free_majority():
    report_of = {"a1": "a", "b1": "b", "c1": "c", "d1": "d", "c2": "c"}
    members = ["a1", "b1", "c1", "d1"]
    assert majority(members, [("c1", "a1"), ("c1", "b1")], report_of) == {"a", "b", "d"}  # c conflicts with two: odd one out
    assert majority(members, [("a1", "c1")], report_of) is None  # a or c, nothing to choose between them
    # a report with two claims on both sides counts with the majority through the one that agrees
    assert majority([*members, "c2"], [("b1", "c1"), ("b1", "a1"), ("b1", "d1"), ("c2", "d1")], report_of) == {"a", "c", "d"}
