"""``factcheck calibrate``: reading labelled JSONL, fitting the thresholds, writing the config.

The fitting functions are tested on synthetic scores; the command itself runs once on the labelled
fixture (fixtures/calibrate/) with the real shipped models, and the other command-line tests reuse
that run or the session's embeddings/NLI cache, so the models load once.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import pytest

from checker import calibrate as cal
from checker.cli import main
from checker.config import Settings, find_config, load_settings_file
from conftest import assert_one_error_line

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "fixtures" / "calibrate" / "labelled.jsonl"

PYPROJECT = """\
# The newsroom's project file.
[project]
name = "desk-tools"

[tool.factcheck]
# thresholds fitted by factcheck calibrate
contradiction_threshold = 0.80  # was hand-tuned
fail_on = "warning"
ignore = ["FC301"]

[tool.other]
keep = true
"""


def run_cli(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


# -- fitting support_threshold --------------------------------------------------------------------


def test_perfect_separation_puts_the_threshold_midway():
    scores = [-0.8, -0.5, -0.3, -0.1, 0.2, 0.4, 0.6, 0.9]
    labels = [False] * 4 + [True] * 4
    t = cal.fit_support_threshold(scores, labels, current=0.7)
    assert t == pytest.approx(0.05)
    assert cal.balanced_accuracy(scores, labels, t) == 1.0
    assert cal.cross_validate_support(scores * 2, labels * 2) == 1.0


def test_threshold_never_sits_on_a_score_when_scores_tie():
    scores = [0.1, 0.1, 0.1, 0.1, 0.5, 0.5, -0.3, -0.3]
    labels = [True, True, False, True, True, True, False, False]
    t = cal.fit_support_threshold(scores, labels, current=0.1)
    assert t not in scores
    # the tied 0.1s fall on one side together: accepting them (one inconsistent among them) is best
    assert t == pytest.approx(-0.1)
    assert cal.balanced_accuracy(scores, labels, t) == pytest.approx((1 + 2 / 3) / 2)


@pytest.mark.parametrize(("current", "expected"), [(-0.3, -0.4), (0.3, 0.4), (0.0, 0.4), (-0.9, -0.4), (0.95, 0.4)])
def test_equally_good_thresholds_go_toward_the_current_value(current, expected):
    # best balanced accuracy (0.75) both at -0.4 and at 0.4
    scores = [-0.6, -0.2, 0.2, 0.6]
    labels = [False, True, False, True]
    assert cal.fit_support_threshold(scores, labels, current) == pytest.approx(expected)


def test_class_imbalance_uses_balanced_accuracy():
    consistent = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    inconsistent = [0.15, 0.25]
    scores, labels = consistent + inconsistent, [True] * 10 + [False] * 2
    t = cal.fit_support_threshold(scores, labels, current=-1.0)
    # plain accuracy is 10/12 both when accepting everything and at 0.275; only the latter catches
    # both inconsistent examples
    assert t == pytest.approx(0.275)
    assert cal.balanced_accuracy(scores, labels, t) == pytest.approx(0.9)
    assert cal.balanced_accuracy(scores, labels, -1.0) == 0.5


def test_one_distinct_score_gives_a_trivial_threshold_in_range():
    t = cal.fit_support_threshold([0.3] * 8, [True, False] * 4, current=0.0)
    assert -1.0 <= t <= 1.0 and t != 0.3
    assert cal.fit_support_threshold([1.0] * 8, [True, False] * 4, current=0.5) == pytest.approx(0.0)


def test_folds_are_stratified_and_deterministic():
    labels = [True, False, True, True, False, False, True, True, False, False, True, False]
    folds = cal.fold_of(labels)
    assert folds == cal.fold_of(labels)
    assert [f for f, y in zip(folds, labels) if y] == [0, 1, 2, 3, 4, 0]
    assert [f for f, y in zip(folds, labels) if not y] == [0, 1, 2, 3, 4, 0]


def test_cross_validation_is_honest_about_overlap():
    # overlapping classes: the fitted threshold looks better in-sample than held out
    scores = [0.9, 0.8, 0.7, 0.1, -0.2, 0.6, 0.5, 0.3, -0.1, -0.4]
    labels = [True, True, True, True, True, False, False, False, False, False]
    t = cal.fit_support_threshold(scores, labels)
    cv = cal.cross_validate_support(scores, labels)
    assert 0.5 <= cv <= cal.balanced_accuracy(scores, labels, t)


# -- fitting contradiction_threshold ------------------------------------------------------------


def test_contradiction_threshold_is_the_lowest_precise_enough():
    contradictions = [0.97, 0.91, 0.86, 0.72, 0.66, 0.55, 0.3, 0.2]
    labels = [False, False, False, True, False, True, True, False]
    # >= 0.73: three flagged, all inconsistent; >= 0.67 adds a consistent one (3/4 < 0.9);
    # >= 0.56: 4 of 5; >= 0.50: 4 of 6
    assert cal.fit_contradiction_threshold(contradictions, labels) == 0.73
    assert cal.fit_contradiction_threshold(contradictions, labels, min_precision=0.75) == 0.56
    assert cal.fit_contradiction_threshold(contradictions, labels, min_precision=0.6) == 0.5
    flagged = cal.flagged_at(contradictions, labels, 0.73)
    assert (flagged.flagged, flagged.inconsistent, flagged.precision, flagged.recall) == (3, 3, 1.0, 0.6)


def test_contradiction_threshold_needs_three_flagged():
    labels = [False, False, True, True]
    assert cal.fit_contradiction_threshold([0.99, 0.95, 0.1, 0.1], labels) is None
    assert cal.fit_contradiction_threshold([0.99, 0.95, 0.4, 0.1], [False, False, False, True]) is None
    assert cal.fit_contradiction_threshold([0.99, 0.95, 0.6, 0.1], [False, False, False, True]) == 0.5


# -- reading the labelled file ------------------------------------------------------------------

GOOD = {"claim": "Police arrested 35 people.", "document": "Police arrested 35 people on Sunday.", "label": "consistent"}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_every_form_of_example(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.txt").write_text(" date 2025-02-24 Title\n\nPolice arrested 35 people on Sunday.\n", encoding="utf-8")
    (tmp_path / "sources" / "b.md").write_text("---\ndate: 2025-03-01\n---\n# Head\n\nThe **mayor** resigned.\n", encoding="utf-8")
    (tmp_path / "sources" / "c.html").write_text(
        "<html><body><nav>Home</nav><article><p>The river flooded three villages on Monday night.</p></article></body></html>", encoding="utf-8"
    )
    path = _write(
        tmp_path,
        json.dumps(GOOD),
        "",
        json.dumps({"claim": "x", "document_path": "sources/a.txt", "label": True, "id": 7}),
        "   ",
        json.dumps({"claim": "y", "document_path": "sources/b.md", "label": 0, "date": "2024-01-02"}),
        json.dumps({"claim": "z", "document_path": str(tmp_path / "sources" / "c.html"), "label": "Inconsistent"}),
        json.dumps({"claim": "w", "document_path": "sources/a.txt", "label": False}),
    )
    examples = cal.read_examples(path)
    assert [e.line for e in examples] == [1, 3, 5, 6, 7]
    assert [e.consistent for e in examples] == [True, True, False, False, False]
    assert examples[1].id == "7" and examples[1].document == "Police arrested 35 people on Sunday."
    assert str(examples[1].date) == "2025-02-24"  # the document's own date
    assert str(examples[2].date) == "2024-01-02"  # the example's date wins
    assert "The **mayor** resigned." in examples[2].document and "date:" not in examples[2].document
    assert "The river flooded three villages on Monday night." in examples[3].document and "<p>" not in examples[3].document
    assert examples[0].date is None and examples[0].document_path is None


BAD_LINES = [
    ('{"claim": "x", "label": "consistent", "document": "d"', "not valid JSON"),
    ('["claim", "label"]', "expected a JSON object"),
    ('{"document": "d", "label": "consistent"}', "missing field 'claim'"),
    ('{"claim": "x", "document": "d"}', "missing field 'label'"),
    ('{"claim": "x", "label": "consistent"}', "missing field 'document'"),
    ('{"claim": "x", "document": "d", "label": "consistent", "source": "AFP"}', "unknown field 'source'"),
    ('{"claim": "x", "document": "d", "label": "true-ish"}', 'unknown label "true-ish"'),
    ('{"claim": "x", "document": "d", "label": 2}', "unknown label 2"),
    ('{"claim": "   ", "document": "d", "label": "consistent"}', "the claim is empty"),
    ('{"claim": 3, "document": "d", "label": "consistent"}', "'claim' must be a string"),
    ('{"claim": "x", "document": "", "label": "consistent"}', "the document is empty"),
    ('{"claim": "x", "document_path": "sources/missing.txt", "label": "consistent"}', "document_path sources/missing.txt: no such file"),
    ('{"claim": "x", "document": "d", "document_path": "a.txt", "label": "consistent"}', "either 'document' or 'document_path'"),
    ('{"claim": "x", "document": "d", "label": "consistent", "date": "24/02/2025"}', "'date' must be a date YYYY-MM-DD"),
    ('{"claim": "x", "document": "d", "label": "consistent", "date": "2025-02-30"}', "'date' must be a date YYYY-MM-DD"),
    ('{"id": "a", "claim": "x", "document": "d", "label": "consistent"}', "id 'a' is already used on line 1"),
]


@pytest.mark.parametrize(("line", "fragment"), BAD_LINES, ids=[f for _, f in BAD_LINES])
def test_every_bad_line_is_one_error_naming_it(tmp_path, monkeypatch, line, fragment):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, json.dumps({**GOOD, "id": "a"}), "", line)
    code, out, err = run_cli("calibrate", path)
    assert code == 2 and out == ""
    assert_one_error_line(err, f"{path}:3: ", fragment)
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labelled.jsonl"]  # nothing written


def test_line_separators_inside_strings_and_crlf(tmp_path):
    claim = "The mayor\u2028resigned\x1c today."
    path = tmp_path / "labelled.jsonl"
    path.write_bytes((json.dumps({**GOOD, "claim": claim}, ensure_ascii=False) + "\r\n\r\n" + json.dumps(GOOD) + "\r\n").encode("utf-8"))
    examples = cal.read_examples(path)
    assert [(e.line, e.claim) for e in examples] == [(1, claim), (3, GOOD["claim"])]


def test_unreadable_document_path_names_the_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.txt").write_text("\n\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    path = _write(tmp_path, json.dumps({"claim": "x", "document_path": "empty.txt", "label": 1}))
    code, _, err = run_cli("calibrate", path)
    assert code == 2
    assert_one_error_line(err, f"{path}:1: document_path empty.txt: ", "empty")
    path = _write(tmp_path, json.dumps({"claim": "x", "document_path": "folder", "label": 1}))
    assert run_cli("calibrate", path)[0] == 2


def test_missing_file_directory_and_non_utf8(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("calibrate", tmp_path / "nope.jsonl")
    assert code == 2
    assert_one_error_line(err, "nope.jsonl: no such file")
    assert run_cli("calibrate", tmp_path)[0] == 2
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(json.dumps(GOOD).encode() + b"\n" + '{"claim": "caf\xe9"}'.encode("latin-1") + b"\n")
    code, _, err = run_cli("calibrate", bad)
    assert code == 2
    assert_one_error_line(err, f"{bad}:2: not UTF-8")
    assert not (tmp_path / "factcheck.toml").exists()


def test_needs_four_examples_of_each_class(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = [json.dumps({**GOOD, "label": "consistent"})] * 6 + [json.dumps({**GOOD, "label": "inconsistent"})] * 3
    code, _, err = run_cli("calibrate", _write(tmp_path, *lines))
    assert code == 2
    assert_one_error_line(err, "at least 4 consistent and 4 inconsistent", "got 6 consistent and 3 inconsistent")
    code, _, err = run_cli("calibrate", _write(tmp_path, ""))
    assert_one_error_line(err, "got 0 consistent and 0 inconsistent")
    assert not (tmp_path / "factcheck.toml").exists()


@pytest.mark.parametrize("value", ["0", "1.5", "-0.2"])
def test_min_precision_must_be_a_share(tmp_path, monkeypatch, value):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("calibrate", LABELLED, "--min-precision", value)
    assert code == 2
    assert_one_error_line(err, "--min-precision")


def test_config_errors_stop_before_scoring(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "factcheck.toml").write_text("[tool.factcheck]\nsupport_treshold = 0.1\n", encoding="utf-8")
    code, _, err = run_cli("calibrate", LABELLED)
    assert code == 2
    assert_one_error_line(err, "unknown key 'support_treshold'")
    code, _, err = run_cli("calibrate", LABELLED, "--config", tmp_path / "missing-dir" / "factcheck.toml")
    assert code == 2
    assert_one_error_line(err, "does not exist")
    (tmp_path / "broken.toml").write_text("[tool.factcheck\n", encoding="utf-8")
    code, _, err = run_cli("calibrate", LABELLED, "--config", tmp_path / "broken.toml")
    assert_one_error_line(err, "invalid TOML")


# -- writing the config -------------------------------------------------------------------------


def test_update_keeps_comments_spelling_and_other_keys(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT.replace("contradiction_threshold", "contradiction-threshold"), encoding="utf-8")
    cfg = cal.read_config(path)
    text = cal.updated_text(cfg, {"support_threshold": 0.1234, "contradiction_threshold": 0.61})
    assert "contradiction-threshold = 0.61  # was hand-tuned" in text
    assert "contradiction_threshold" not in text
    assert "support_threshold = 0.1234" in text
    for kept in ("# The newsroom's project file.", "# thresholds fitted by factcheck calibrate", 'fail_on = "warning"', "[tool.other]"):
        assert kept in text
    path.write_text(text, encoding="utf-8")
    settings = load_settings_file(path)
    assert (settings.support_threshold, settings.contradiction_threshold, settings.ignore) == (0.1234, 0.61, ["FC301"])


def test_top_level_factcheck_toml_stays_top_level(tmp_path):
    path = tmp_path / "factcheck.toml"
    path.write_text('# ours\nfail_on = "info"\n\n[tool.other]\nx = 1\n', encoding="utf-8")
    text = cal.updated_text(cal.read_config(path), {"support_threshold": -0.25, "contradiction_threshold": 0.8})
    assert "[tool.factcheck]" not in text
    path.write_text(text, encoding="utf-8")
    assert load_settings_file(path).support_threshold == -0.25 and load_settings_file(path).fail_on == "info"


def test_pyproject_without_factcheck_table_gains_one(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n', encoding="utf-8")
    cfg = cal.read_config(path)
    assert cal.settings_for(cfg) == Settings(config_dir=str(tmp_path))
    path.write_text(cal.updated_text(cfg, {"support_threshold": 0.3, "contradiction_threshold": 0.7}), encoding="utf-8")
    assert find_config(tmp_path) == path
    assert load_settings_file(path).contradiction_threshold == 0.7


# -- the command on the labelled fixture, with the real models ----------------------------------


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    """One real run: ``calibrate LABELLED --config pyproject.toml -o json``."""
    folder = tmp_path_factory.mktemp("calibrate")
    config = folder / "pyproject.toml"
    config.write_text(PYPROJECT, encoding="utf-8")
    code, out, err = run_cli("calibrate", LABELLED, "--config", config, "-o", "json")
    assert code == 0, err
    return json.loads(out), config


@pytest.mark.slow
def test_writes_fitted_values_preserving_the_rest(fitted):
    data, config = fitted
    text = config.read_text(encoding="utf-8")
    settings = load_settings_file(config)
    assert settings.support_threshold == data["support_threshold"]["fitted"]
    assert settings.contradiction_threshold == data["contradiction_threshold"]["fitted"]
    assert "contradiction_threshold = " in text and "# was hand-tuned" in text
    for kept in ("# The newsroom's project file.", "# thresholds fitted by factcheck calibrate", '[project]\nname = "desk-tools"', "[tool.other]\nkeep = true"):
        assert kept in text
    assert settings.fail_on == "warning" and settings.ignore == ["FC301"]
    assert data["config"] == {"path": str(config), "exists": True, "written": True, "dry_run": False, "diff": data["config"]["diff"]}
    assert "+support_threshold = " in data["config"]["diff"]


@pytest.mark.slow
def test_json_report_matches_score_claims(fitted, factcheck_cache):
    from checker.score import score_claims

    data, _ = fitted
    examples = cal.read_examples(LABELLED)
    labels = [e.consistent for e in examples]
    assert data["examples"] == {"total": 18, "consistent": 9, "inconsistent": 9}
    assert [i["line"] for i in data["items"]] == [e.line for e in examples]
    assert [i["label"] for i in data["items"]] == [e.label for e in examples]

    support, contradiction = data["support_threshold"], data["contradiction_threshold"]
    assert support["current"] == 0.0 and contradiction["current"] == 0.8
    settings = Settings(contradiction_threshold=contradiction["fitted"], cache_dir=str(factcheck_cache))
    verdicts = score_claims([(e.claim, e.document) for e in examples], dates=[e.date for e in examples], settings=settings)
    scores = [v.score for v in verdicts]
    assert [i["score"] for i in data["items"]] == pytest.approx(scores, abs=1e-4)
    worst = [max(s.pair_contradiction for s in v.sentences) for v in verdicts]
    assert [i["contradiction"] for i in data["items"]] == pytest.approx(worst, abs=1e-4)

    # the fitted threshold separates as reported
    t = support["fitted"]
    assert [i["consistent_at_fitted"] for i in data["items"]] == [s >= t for s in scores]
    assert support["balanced_accuracy"]["fitted"] == pytest.approx(cal.balanced_accuracy(scores, labels, t), abs=1e-4)
    assert support["balanced_accuracy"]["fitted"] >= 0.75  # the shipped model separates this set well
    assert all(abs(s - t) > 1e-9 for s in scores)
    below, above = max((s for s in scores if s < t), default=-1.0), min((s for s in scores if s >= t), default=1.0)
    assert t == pytest.approx((below + above) / 2, abs=1e-6)
    confusion = support["confusion"]
    assert confusion["consistent_accepted"] == sum(s >= t for s, y in zip(scores, labels) if y)
    assert confusion["inconsistent_rejected"] == sum(s < t for s, y in zip(scores, labels) if not y)
    cv = support["balanced_accuracy"]["cross_validated"]
    assert cv == pytest.approx(cal.cross_validate_support(scores, labels, 0.0), abs=1e-4) and 0 <= cv <= 1

    # precision first: the lowest grid value where >= 3 flagged and >= 90% of them inconsistent
    assert contradiction["qualified"] and contradiction["fitted"] < 0.8
    at = contradiction["at_fitted"]
    assert at["flagged"] >= 3 and at["precision"] >= 0.9
    assert at["flagged"] == sum(c >= contradiction["fitted"] for c in worst)
    lower = round(contradiction["fitted"] - 0.01, 2)
    if lower >= 0.5:
        f = cal.flagged_at(worst, labels, lower)
        assert f.flagged < 3 or f.precision < 0.9


@pytest.mark.slow
def test_dry_run_writes_nothing_and_shows_the_change(tmp_path, monkeypatch, fitted):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("calibrate", LABELLED, "--dry-run")
    assert code == 0, err
    assert list(tmp_path.iterdir()) == []  # no factcheck.toml created
    data, _ = fitted
    assert f"{LABELLED}: 18 examples (9 consistent, 9 inconsistent)" in out
    assert f"support_threshold        0.0 -> {data['support_threshold']['fitted']}" in out
    assert f"would create {tmp_path / 'factcheck.toml'}:" in out
    assert "+[tool.factcheck]" in out and f"+support_threshold = {data['support_threshold']['fitted']}" in out

    # a real run then creates it, and a second run finds it and has nothing to change
    code, out, _ = run_cli("calibrate", LABELLED, "-q")
    assert code == 0 and f"created {tmp_path / 'factcheck.toml'}" in out
    assert load_settings_file(tmp_path / "factcheck.toml").support_threshold == data["support_threshold"]["fitted"]
    before = (tmp_path / "factcheck.toml").read_text()
    code, out, _ = run_cli("calibrate", LABELLED, "-q", "-o", "json")
    again = json.loads(out)
    assert code == 0 and again["config"]["written"] is False and again["support_threshold"]["changed"] is False
    assert (tmp_path / "factcheck.toml").read_text() == before
    assert not math.isnan(again["support_threshold"]["balanced_accuracy"]["cross_validated"])
