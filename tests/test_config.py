"""Settings discovery and validation: mistakes in the config file must fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.config import Settings, find_config, load_settings, load_settings_file, normalise_codes, rule_enabled
from checker.errors import UsageError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    s = Settings()
    assert (s.nli_model, s.embedding_model) == ("default", "default")
    assert (s.align_min_similarity, s.align_top_k) == (0.55, 3)
    assert (s.contradiction_threshold, s.agreement_threshold) == (0.80, 0.80)
    assert (s.fail_on, s.select, s.ignore, s.max_file_mb, s.aliases) == ("error", [], [], 10, {})


def test_nearest_pyproject_walking_up(tmp_path):
    _write(tmp_path / "pyproject.toml", '[tool.factcheck]\nnli-model = "models/nli"\nalign_top_k = 5\nagreement_threshold = 1\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    s = load_settings(nested)
    assert s.nli_model == "models/nli" and s.align_top_k == 5
    assert s.agreement_threshold == 1.0 and isinstance(s.agreement_threshold, float)


def test_factcheck_toml_top_level_keys_and_precedence(tmp_path):
    _write(tmp_path / "pyproject.toml", '[tool.factcheck]\nfail_on = "info"\n')
    _write(tmp_path / "factcheck.toml", 'fail_on = "warning"\nselect = ["FC1", "fc201"]\n[aliases]\nkyiv = ["Kiev", "Kijev"]\n')
    s = load_settings(tmp_path)
    assert s.fail_on == "warning"
    assert s.select == ["FC101", "FC102", "FC103", "FC104", "FC201"]  # prefixes expanded
    assert s.aliases == {"kyiv": ["Kiev", "Kijev"]}


def test_pyproject_without_section_is_skipped(tmp_path):
    _write(tmp_path / "factcheck.toml", "max_file_mb = 2\n")
    _write(tmp_path / "proj" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path / "proj") == tmp_path / "factcheck.toml"
    assert load_settings(tmp_path / "proj").max_file_mb == 2


def test_start_may_be_a_file(tmp_path):
    _write(tmp_path / "factcheck.toml", "align_top_k = 7\n")
    doc = _write(tmp_path / "doc.txt", "x")
    assert load_settings(doc).align_top_k == 7


def test_unknown_key_names_key_and_file(tmp_path):
    path = _write(tmp_path / "pyproject.toml", "[tool.factcheck]\ncontradiction_treshold = 0.9\n")
    with pytest.raises(UsageError) as info:
        load_settings(tmp_path)
    assert "contradiction_treshold" in str(info.value) and str(path) in str(info.value)


@pytest.mark.parametrize(
    "line",
    [
        'align_top_k = "3"',
        "align_top_k = true",
        "align_top_k = 2.5",
        'contradiction_threshold = "high"',
        "nli_model = 3",
        'select = "FC101"',
        "ignore = [1]",
        'aliases = {kyiv = 3}',
    ],
)
def test_wrong_types(tmp_path, line):
    _write(tmp_path / "pyproject.toml", f"[tool.factcheck]\n{line}\n")
    with pytest.raises(UsageError, match=line.split(" ")[0]):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("contradiction_threshold = 1.5", "between 0 and 1"),
        ("align_top_k = 0", "at least 1"),
        ('fail_on = "fatal"', "fail_on"),
        ('select = ["FC999"]', "FC999"),
        ("max_file_mb = 0", "positive"),
    ],
)
def test_invalid_values(tmp_path, line, message):
    _write(tmp_path / "pyproject.toml", f"[tool.factcheck]\n{line}\n")
    with pytest.raises(UsageError, match=message):
        load_settings(tmp_path)


def test_invalid_toml(tmp_path):
    _write(tmp_path / "factcheck.toml", "this is = = not toml\n")
    with pytest.raises(UsageError, match="invalid TOML"):
        load_settings(tmp_path)


def test_explicit_config_file(tmp_path):
    path = _write(tmp_path / "custom.toml", '[tool.factcheck]\nembedding_model = "e5"\n')
    assert load_settings_file(path).embedding_model == "e5"
    with pytest.raises(UsageError, match="no \\[tool.factcheck\\]"):
        load_settings_file(_write(tmp_path / "other.toml", "[tool.black]\nline-length = 1\n"))
    with pytest.raises(UsageError, match="not found"):
        load_settings_file(tmp_path / "missing.toml")


def test_codes_and_rule_enabled():
    assert normalise_codes(["fc101,FC20", " FC3 "], "x") == ["FC101", "FC201", "FC202", "FC203", "FC204", "FC301", "FC302"]
    assert normalise_codes(["contradiction", "only-in-one-report", "only_in_b", "FC101"], "x") == ["FC101", "FC301"]
    with pytest.raises(UsageError, match="FC9"):
        normalise_codes(["FC9"], "--select")
    assert rule_enabled("FC101", [], [])
    assert rule_enabled("FC101", ["FC1"], []) and not rule_enabled("FC201", ["FC1"], [])
    assert not rule_enabled("FC101", ["FC1"], ["FC101"])  # ignore beats select


def test_overrides_skip_none():
    s = Settings().with_overrides(fail_on="warning", nli_model=None)
    assert s.fail_on == "warning" and s.nli_model == "default"
