"""One run for the command line and the library (issue 12): the same findings on the same config,
through the same post-processing — select/ignore, per-file-ignores, suppression comments, baselines —
on the real fixture articles with the real models; plus what the run adds to a report (per-document
warnings) and the publication-date checks at the options and in the loader (issue 16)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import checker
from checker.cli import main
from checker.config import load_settings
from checker.errors import InputError, SettingsError, UsageError
from checker.output.json_format import finding_to_json
from conftest import AFP, FT, assert_one_error_line

try:
    from tests.test_outputs import make_report, write_sample_files
except ImportError:
    from test_outputs import make_report, write_sample_files


@pytest.fixture(scope="module")
def project(tmp_path_factory, factcheck_cache):
    """Copies of the two articles (AFP with a suppression comment), a config with select, ignore and
    per-file-ignores, and a baseline written by a first library run."""
    root = tmp_path_factory.mktemp("project")
    ft, afp = root / "ft.txt", root / "afp.txt"
    ft.write_text(FT.read_text(encoding="utf-8"), encoding="utf-8")
    # a comment alone on its line covers the next line: two only-in-AFP sentences are suppressed
    afp.write_text(AFP.read_text(encoding="utf-8").replace("The new sit-down", "# factcheck: ignore FC301\nThe new sit-down"), encoding="utf-8")
    (root / "factcheck.toml").write_text(
        'select = ["FC1", "FC2", "FC3"]\n'  # no agreements
        'ignore = ["FC204"]\n'
        f'cache_dir = "{factcheck_cache}"\n'
        'per-file-ignores = { "ft.txt" = ["FC301"] }\n',  # only-in findings located in the FT copy (document a)
        encoding="utf-8",
    )
    baseline = root / "baseline.json"
    settings = load_settings(root)
    first = checker.run([ft, afp], settings.with_overrides(select=["FC103"]), dates=[date(2025, 2, 17), None], write_baseline=baseline)
    assert first.notes and "accepted finding" in first.notes[0]
    return root, ft, afp, baseline


def _cli(capsys, monkeypatch, root: Path, *args) -> tuple[int, dict, str]:
    monkeypatch.chdir(root)
    code = main(["compare", "ft.txt", "afp.txt", "--date", "ft.txt=2025-02-17", "-o", "json", *map(str, args)])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_cli_and_library_give_identical_findings(capsys, monkeypatch, project):
    root, ft, afp, baseline = project
    code, data, err = _cli(capsys, monkeypatch, root, "--baseline", baseline)
    settings = load_settings(root)
    report = checker.run([Path("ft.txt"), Path("afp.txt")], settings, dates=[date(2025, 2, 17), None], baseline=baseline)

    assert [finding_to_json(f) for f in report.findings] == data["findings"]
    assert report.filtered == data["summary"]["filtered"]
    # every post-processing step had something to do
    assert report.filtered["suppressed"] == 2 and report.filtered["baselined"] >= 1
    rules = {f.rule for f in report.findings}
    assert rules and not rules & {"FC001", "FC204"}  # select and ignore
    located = {f.claims[0][0] for f in report.findings if f.rule == "FC301"}
    assert located == {"b"}  # per-file-ignores dropped the only-in findings of ft.txt
    assert not [f for f in report.findings if f.rule == "FC103" and f.severity == "warning"]  # baselined (info is never recorded)
    assert not [f for f in report.findings if "new sit-down" in report.claim(f.claims[0]).text]  # suppressed
    assert [f.id for f in report.findings] == [f"F{i}" for i in range(1, len(report.findings) + 1)]
    assert code == (1 if any(f.severity == "error" for f in report.findings) else 0)


def test_compare_paths_is_the_same_run_without_a_baseline(capsys, monkeypatch, project):
    from checker.pipeline import compare_paths

    root, ft, afp, _ = project
    _, data, _ = _cli(capsys, monkeypatch, root)
    report = compare_paths([Path("ft.txt"), Path("afp.txt")], dates=[date(2025, 2, 17), None], settings=load_settings(root))
    assert [finding_to_json(f) for f in report.findings] == data["findings"]
    assert report.filtered == data["summary"]["filtered"] == {"suppressed": report.filtered["suppressed"]}


# -- what the run adds, on a hand-built report (no models) ------------------------------------------


def test_document_warnings_join_the_report(capsys, monkeypatch, tmp_path):
    import checker.pipeline

    a, b = write_sample_files(tmp_path)

    def engine(job, settings, progress=None):
        report = make_report(job.paths[0], job.paths[1])
        report.documents[1].warnings.append("a run-on line of 3,000 words was split at 120-word boundaries")
        report.warnings.append("2 aligned sentence pairs longer than the 256 tokens the NLI model reads ...")
        return report

    monkeypatch.setattr(checker.pipeline, "judge_job", engine)
    monkeypatch.chdir(tmp_path)
    report = checker.run([a, b])
    assert report.warnings == [f"{b}: a run-on line of 3,000 words was split at 120-word boundaries", "2 aligned sentence pairs longer than the 256 tokens the NLI model reads ..."]
    code = main(["compare", str(a), str(b), "-o", "json", "--exit-zero"])
    out, err = capsys.readouterr()
    assert code == 0 and json.loads(out)["warnings"] == report.warnings
    assert f"factcheck: warning: {b}: a run-on line" in err


def test_library_settings_are_validated(tmp_path):
    a, b = write_sample_files(tmp_path)
    with pytest.raises(SettingsError, match="^settings: verbatim_ratio must be between 0 and 1, got 1.5$"):
        checker.Settings(verbatim_ratio=1.5)
    with pytest.raises(ValueError, match="unknown key 'contradiction_treshold'"):  # also a ValueError for library callers
        checker.Settings(contradiction_treshold=0.9)
    with pytest.raises(UsageError, match="check needs at least one draft"):
        checker.run([], mode="check", against=[a])


# -- publication dates (issue 16) ----------------------------------------------------------------------


@pytest.mark.parametrize("when", ["0001-01-01", "9999-12-31", "1799-12-31", "2201-01-01"])
def test_date_option_outside_the_calendar_is_a_usage_error(capsys, monkeypatch, tmp_path, when):
    import checker.pipeline

    a, b = write_sample_files(tmp_path)
    calls = []
    monkeypatch.setattr(checker.pipeline, "judge_job", lambda *args, **kw: calls.append(args))
    monkeypatch.chdir(tmp_path)
    code = main(["compare", str(a), str(b), "--date", f"{a.name}={when}"])
    assert code == 2 and calls == []
    assert_one_error_line(capsys.readouterr().err, "--date", when, "outside the years 1800..2200")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("old.txt", "date 0001-01-01 A very old story\nThe talks were held in Riyadh on Tuesday.\n"),
        ("future.md", "---\ndate: 9999-12-31\n---\nThe talks were held in Riyadh on Tuesday.\n"),
    ],
)
def test_file_dates_outside_the_calendar_are_input_errors(capsys, monkeypatch, tmp_path, name, text):
    from checker.documents import load_document

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: publication date .* is outside the years 1800..2200$"):
        load_document(path, "a")
    assert load_document(path, "a", date_override=date(2025, 2, 17)).date == date(2025, 2, 17)  # --date wins
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "other.txt"
    other.write_text("The talks were held in Jeddah on Wednesday.\n", encoding="utf-8")
    code = main(["compare", str(path), str(other), "--no-cache"])
    assert code == 2
    assert_one_error_line(capsys.readouterr().err, str(path), "outside the years")


def test_library_dates_are_checked_before_loading(tmp_path):
    a, b = write_sample_files(tmp_path)
    with pytest.raises(InputError, match="publication date 0001-01-01 is outside"):
        checker.run([a, b], dates=[date(1, 1, 1), None])


def test_the_claim_length_cap_is_a_setting(tmp_path):
    """Rule 4's limit comes from ``max_claim_chars``: the segment stage splits at the run's value."""
    from checker.config import Settings
    from checker.pipeline import load, segment

    run_on = tmp_path / "runon.txt"
    run_on.write_text(" ".join(["word"] * 400) + ".\n", encoding="utf-8")  # one 2,000-character sentence
    (default_doc,) = segment(load([run_on], None, Settings()), Settings())
    assert len(default_doc.claims) == 1 and default_doc.warnings == []
    (doc,) = segment(load([run_on], None, Settings()), Settings(max_claim_chars=500))
    assert [len(c.text) <= 500 for c in doc.claims] == [True] * 4
    assert doc.warnings == ["a run-on line of 2,000 characters was split into 4 pieces of at most 500 characters"]
    with pytest.raises(SettingsError, match="max_claim_chars"):
        Settings(max_claim_chars=50)
