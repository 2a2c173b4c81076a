"""The command line: exit codes, one-line errors, options reaching the pipeline, output files.

The pipeline is replaced by a fake module returning a hand-built report, so these tests load no
model; end-to-end runs on the fixtures live elsewhere.
"""

from __future__ import annotations

import importlib.machinery
import json
import os
import subprocess
import sys
import time
import types
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.cli import app, main, progress_callback
from checker.errors import InputError
from checker.rules import RULES
from conftest import assert_one_error_line

try:
    from tests.test_outputs import make_report, write_sample_files
except ImportError:  # tests/ is not a package: pytest puts it on sys.path
    from test_outputs import make_report, write_sample_files

ROOT = Path(__file__).resolve().parents[1]
ENTRY = "import sys; from checker.cli import main; sys.exit(main())"


class FakePipeline:
    """Stands in for the engine (checker.pipeline.judge_job): the CLI's validation, settings and the
    library's post-processing and outputs run for real on its hand-built report."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.error: BaseException | None = None

    def judge_job(self, job, settings, progress=None):
        dates = list(job.dates) if job.dates is not None else None
        self.calls.append({"paths": list(job.paths), "dates": dates, "settings": settings, "progress": progress})
        if self.error is not None:
            raise self.error
        if progress is not None:
            progress("fake", 1, 1)
        return make_report(job.paths[0], job.paths[1])


@pytest.fixture
def pipeline(monkeypatch, tmp_path) -> FakePipeline:
    import checker.pipeline

    fake = FakePipeline()
    monkeypatch.setattr(checker.pipeline, "judge_job", fake.judge_job)
    monkeypatch.chdir(tmp_path)  # no stray factcheck.toml / pyproject.toml from the repo
    return fake


@pytest.fixture
def docs(tmp_path) -> tuple[Path, Path]:
    return write_sample_files(tmp_path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- startup -----------------------------------------------------------------------------------


def test_import_does_not_load_torch():
    code = "import checker.cli, sys; assert 'torch' not in sys.modules; assert 'checker.pipeline' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_help_is_fast_and_torch_free():
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", ENTRY, "--help"], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert "compare" in proc.stdout and "rules" in proc.stdout
    assert elapsed < 10  # generous: the machine may be busy; typically well under a second
    check = "import sys; from checker.cli import main; main(['compare', '--help']); assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", check], capture_output=True, cwd=ROOT).returncode == 0


def test_console_script_help():
    script = Path(sys.executable).parent / "factcheck"
    if not script.exists():
        pytest.skip("package not installed in this environment")
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "compare" in proc.stdout


def test_version(capsys):
    from checker import __version__

    assert run(capsys, "--version")[:2] == (0, f"factcheck {__version__}\n")


# -- usage errors ------------------------------------------------------------------------------


def test_bad_output_format(capsys, docs):
    code, out, err = run(capsys, "compare", *docs, "--output-format", "xml")
    assert code == 2 and out == ""
    assert_one_error_line(err, "--output-format", "'xml'")


def test_bad_output_format_subprocess(docs):
    proc = subprocess.run([sys.executable, "-c", ENTRY, "compare", *map(str, docs), "-o", "yaml"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert_one_error_line(proc.stderr, "yaml")
    assert "Traceback" not in proc.stderr


def test_unknown_option_and_missing_argument(capsys):
    code, _, err = run(capsys, "compare", "--bogus")
    assert code == 2
    assert_one_error_line(err, "--bogus")
    code, _, err = run(capsys, "compare")
    assert code == 2
    assert_one_error_line(err)


def test_missing_file(capsys, pipeline, docs, tmp_path):
    code, _, err = run(capsys, "compare", docs[0], tmp_path / "nope.txt")
    assert code == 2
    assert_one_error_line(err, "nope.txt", "no such file")
    assert pipeline.calls == []


def test_directory_and_single_document(capsys, pipeline, docs, tmp_path):
    code, _, err = run(capsys, "compare", docs[0], tmp_path)
    assert code == 2
    assert_one_error_line(err, "directory")
    code, _, err = run(capsys, "compare", docs[0])
    assert code == 2
    assert_one_error_line(err, "at least two")


def test_same_path_twice_and_identical_files(capsys, pipeline, docs, tmp_path):
    code, _, err = run(capsys, "compare", docs[0], docs[1], str(docs[0].parent / "." / docs[0].name))
    assert code == 2
    assert_one_error_line(err, "given twice")
    copy = tmp_path / "copy.txt"
    copy.write_bytes(docs[0].read_bytes())
    code, _, err = run(capsys, "compare", docs[0], copy)
    assert code == 2
    assert_one_error_line(err, "ft.txt", "copy.txt", "identical")
    assert pipeline.calls == []


@pytest.mark.parametrize("value", ["ft.txt", "ft.txt=17/02/2025", "ft.txt=2025-02-30", "=2025-02-17", "other.txt=2025-02-17"])
def test_bad_date(capsys, pipeline, docs, value):
    code, _, err = run(capsys, "compare", *docs, "--date", value)
    assert code == 2
    assert_one_error_line(err, "--date")
    assert pipeline.calls == []


def test_unknown_rule_code_in_select(capsys, pipeline, docs):
    code, _, err = run(capsys, "compare", *docs, "--select", "FC101,FC999")
    assert code == 2
    assert_one_error_line(err, "FC999")


def test_config_error_is_one_line(capsys, pipeline, docs, tmp_path):
    bad = tmp_path / "factcheck.toml"
    bad.write_text("nli_modle = 'x'\n")
    code, _, err = run(capsys, "compare", *docs)
    assert code == 2
    assert_one_error_line(err, "nli_modle", str(bad))
    code, _, err = run(capsys, "compare", *docs, "--config", tmp_path / "missing.toml")
    assert code == 2
    assert_one_error_line(err, "missing.toml")


def test_output_file_in_missing_directory_fails_before_pipeline(capsys, pipeline, docs, tmp_path):
    code, _, err = run(capsys, "compare", *docs, "-o", "json", "--output-file", tmp_path / "no" / "r.json")
    assert code == 2
    assert_one_error_line(err, "does not exist")
    assert pipeline.calls == []


def test_output_file_must_not_overwrite_an_input(capsys, pipeline, docs):
    code, _, err = run(capsys, "compare", *docs, "--output-file", docs[1])
    assert code == 2 and docs[1].read_text().startswith("US and Russian")
    assert_one_error_line(err, "input")


# -- pipeline errors ---------------------------------------------------------------------------


def test_pipeline_factcheck_error(capsys, pipeline, docs):
    pipeline.error = InputError("afp.txt: not valid UTF-8")
    code, out, err = run(capsys, "compare", *docs)
    assert code == 2 and out == ""
    assert err == "factcheck: error: afp.txt: not valid UTF-8\n"


def test_unexpected_error_hint_and_debug(capsys, pipeline, docs, monkeypatch):
    """A bug is not bad input: its own exit code, 3 (issue 16; it used to share 2 with usage errors)."""
    pipeline.error = RuntimeError("kaboom")
    monkeypatch.delenv("FACTCHECK_DEBUG", raising=False)
    code, _, err = run(capsys, "compare", *docs)
    assert code == 3
    assert_one_error_line(err, "internal error", "RuntimeError: kaboom", "FACTCHECK_DEBUG=1")
    monkeypatch.setenv("FACTCHECK_DEBUG", "1")
    code, _, err = run(capsys, "compare", *docs)
    assert code == 3 and "Traceback" in err and err.strip().splitlines()[-1].startswith("factcheck: error:")


# -- successful runs ---------------------------------------------------------------------------


def test_text_output_and_exit_codes(capsys, pipeline, docs):
    code, out, err = run(capsys, "compare", *docs)
    assert code == 1  # two error findings
    assert "error[FC202]" in out and "Found 5 findings" in out and "FC001" not in out
    assert pipeline.calls[0]["progress"] is None  # stderr is not a TTY
    assert pipeline.calls[0]["dates"] is None
    assert run(capsys, "compare", *docs, "--exit-zero")[0] == 0
    assert run(capsys, "compare", *docs, "--fail-on", "none")[0] == 0
    assert "info[FC001]" in run(capsys, "compare", *docs, "--show-info")[1]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "FC3"], 0),  # only info findings left
        (["--ignore", "FC2"], 0),  # the warning remains, below --fail-on error
        (["--ignore", "FC2", "--fail-on", "warning"], 1),
        (["--select", "FC1", "--select", "FC001", "--fail-on", "info"], 1),
    ],
)
def test_select_ignore_fail_on(capsys, pipeline, docs, args, expected):
    code, out, _ = run(capsys, "compare", *docs, "-o", "json", *args)
    assert code == expected
    data = json.loads(out)
    selected = {f["rule"] for f in data["findings"]}
    if "--select" in args:
        assert all(any(r.startswith(p) for p in args[1::2] if p.startswith("FC")) for r in selected)
    if "--ignore" in args:
        assert not any(r.startswith("FC2") for r in selected)


def test_config_reaches_pipeline_and_cli_overrides_it(capsys, pipeline, docs, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.factcheck]\nfail_on = "warning"\nnli_model = "from-config"\nignore = ["FC001"]\n')
    code, _, _ = run(capsys, "compare", *docs, "-o", "json", "--nli-model", "cli-model", "--ignore", "FC301")
    settings = pipeline.calls[0]["settings"]
    assert settings.nli_model == "cli-model" and settings.fail_on == "warning"
    assert settings.ignore == ["FC001", "FC301"]
    assert code == 1


@pytest.mark.parametrize(
    ("pattern", "dropped"),
    [
        ("ft.txt", {"FC201", "FC202"}),  # relative to the config file's directory: document a
        ("*.txt", {"FC201", "FC202"}),
        ("afp.txt", set()),  # document b is never the first claim's document here
        ("drafts/*.txt", set()),
    ],
)
def test_per_file_ignores_use_the_first_claims_document(capsys, pipeline, docs, tmp_path, pattern, dropped):
    (tmp_path / "pyproject.toml").write_text(f'[tool.factcheck]\nper-file-ignores = {{ "{pattern}" = ["FC2"] }}\n')
    code, out, _ = run(capsys, "compare", *docs, "-o", "json", "--fail-on", "warning")
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert code == 1  # the FC102 warning stays either way
    assert "FC102" in rules and not rules & dropped
    assert rules >= {"FC201", "FC202"} - dropped


def test_per_file_ignores_relative_to_explicit_config(capsys, pipeline, docs, tmp_path):
    config = tmp_path / "conf" / "factcheck.toml"
    config.parent.mkdir()
    config.write_text('per-file-ignores = { "../ft.txt" = ["FC202"] }\n')  # not under conf/: no relative form
    rules = {f["rule"] for f in json.loads(run(capsys, "compare", *docs, "-o", "json", "--config", config)[1])["findings"]}
    assert "FC202" in rules
    config.write_text('per-file-ignores = { "ft.txt" = ["FC202"] }\n')  # matches the file name (PurePath.match)
    rules = {f["rule"] for f in json.loads(run(capsys, "compare", *docs, "-o", "json", "--config", config)[1])["findings"]}
    assert "FC202" not in rules and "FC201" in rules


def test_dates_are_aligned_with_paths(capsys, pipeline, docs):
    run(capsys, "compare", *docs, "--date", f"{docs[1]}=2025-02-24", "--date", "ft.txt=2025-02-17")
    assert pipeline.calls[0]["dates"] == [date(2025, 2, 17), date(2025, 2, 24)]


@pytest.mark.parametrize("fmt", ["json", "json-lines", "sarif", "github", "junit", "text"])
def test_every_format_to_stdout_and_file(capsys, pipeline, docs, tmp_path, fmt):
    code, out, _ = run(capsys, "compare", *docs, "-o", fmt)
    assert code == 1 and out
    target = tmp_path / f"report.{fmt}"
    code, out2, err = run(capsys, "compare", *docs, "-o", fmt, "--output-file", target)
    assert code == 1 and out2 == "" and "wrote" in err
    written = target.read_text()
    if fmt != "text":
        assert written == out
    else:
        assert "error[FC202]" in written and all(line == line.rstrip() for line in written.splitlines())
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_quiet_prints_findings_only(capsys, pipeline, docs, tmp_path):
    code, out, err = run(capsys, "compare", *docs, "-q", "-o", "json", "--output-file", tmp_path / "r.json")
    assert code == 1 and out == "" and err == ""


def test_html_report(capsys, pipeline, docs, tmp_path, monkeypatch):
    written = []
    module = types.ModuleType("checker.output.html_report")
    module.__spec__ = importlib.machinery.ModuleSpec("checker.output.html_report", None)
    module.write_html = lambda report, path: written.append((report, path))
    monkeypatch.setitem(sys.modules, "checker.output.html_report", module)
    code, _, _ = run(capsys, "compare", *docs, "--html", tmp_path / "r.html", "--exit-zero")
    assert code == 0 and written and written[0][1] == tmp_path / "r.html"


def test_progress_callback_accepts_updates():
    with progress_callback(False) as cb:
        assert cb is None
    with progress_callback(True) as cb:
        cb("aligning", 1, 3)
        cb("judging", 0, 0)


def test_cli_runner_compare(pipeline, docs):
    result = CliRunner().invoke(app, ["compare", *map(str, docs), "-o", "sarif"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["version"] == "2.1.0"


def test_cli_runner_usage_errors_exit_2(pipeline, docs):
    assert CliRunner().invoke(app, ["compare", *map(str, docs), "-o", "xml"]).exit_code == 2
    result = CliRunner().invoke(app, ["compare", str(docs[0]), "missing.txt"])
    assert result.exit_code == 2 and "factcheck: error:" in result.stderr


# -- rules -------------------------------------------------------------------------------------


def test_rules_table(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    for rule in RULES:
        assert rule.code in out and rule.name in out


def test_rules_json(capsys):
    code, out, _ = run(capsys, "rules", "-o", "json")
    assert code == 0 and [r["code"] for r in json.loads(out)] == [r.code for r in RULES]


@pytest.mark.parametrize("query", ["FC101", "fc101", "contradiction"])
def test_rule_explains(capsys, query):
    code, out, _ = run(capsys, "rule", query)
    assert code == 0 and "FC101" in out and "error" in out


def test_rule_unknown(capsys):
    code, _, err = run(capsys, "rule", "FC999")
    assert code == 2
    assert_one_error_line(err, "FC999")
