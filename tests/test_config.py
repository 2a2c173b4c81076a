"""Settings discovery and validation: mistakes in the config file must fail loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.config import (
    Settings,
    find_config,
    load_settings,
    load_settings_file,
    normalise_codes,
    path_matches,
    per_file_ignored,
    rule_enabled,
)
from checker.errors import UsageError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    s = Settings()
    assert (s.nli_model, s.embedding_model) == ("default", "default")
    assert (s.align_min_similarity, s.align_top_k) == (0.45, 3)
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
        "aliases = {kyiv = 3}",
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


def test_per_file_ignores_parsed_and_normalised(tmp_path):
    _write(tmp_path / "pyproject.toml", '[tool.factcheck]\nper-file-ignores = { "drafts/opinion-*.md" = ["FC302", "fc2"] }\n')
    s = load_settings(tmp_path)
    assert s.per_file_ignores == {"drafts/opinion-*.md": ["FC302", "FC201", "FC202", "FC203", "FC204"]}
    assert s.config_dir == str(tmp_path)
    _write(tmp_path / "factcheck.toml", '[per_file_ignores]\n"*.txt" = ["contradiction"]\n')
    assert load_settings(tmp_path).per_file_ignores == {"*.txt": ["FC101"]}
    assert Settings().per_file_ignores == {}


@pytest.mark.parametrize(
    "line",
    [
        'per-file-ignores = ["FC302"]',
        'per-file-ignores = { "*.md" = "FC302" }',
        'per-file-ignores = { "*.md" = [302] }',
        'per_file_ignores = "FC302"',
    ],
)
def test_per_file_ignores_wrong_types(tmp_path, line):
    path = _write(tmp_path / "pyproject.toml", f"[tool.factcheck]\n{line}\n")
    with pytest.raises(UsageError) as info:
        load_settings(tmp_path)
    assert line.split(" ")[0] in str(info.value) and str(path) in str(info.value)


def test_per_file_ignores_unknown_code_and_config_dir_not_a_key(tmp_path):
    path = _write(tmp_path / "pyproject.toml", '[tool.factcheck]\nper-file-ignores = { "*.md" = ["FC999"] }\n')
    with pytest.raises(UsageError) as info:
        load_settings(tmp_path)
    assert all(s in str(info.value) for s in ("per-file-ignores", "FC999", "*.md", str(path)))
    _write(tmp_path / "pyproject.toml", '[tool.factcheck]\nconfig_dir = "x"\n')
    with pytest.raises(UsageError, match="unknown key 'config_dir'"):
        load_settings(tmp_path)


def test_path_matches_and_per_file_ignored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "project"
    draft = root / "drafts" / "opinion-1.md"
    assert path_matches(draft, "drafts/opinion-*.md", root)  # relative to the config directory
    assert path_matches("project/drafts/opinion-1.md", "project/drafts/*.md", "elsewhere")  # as given
    assert path_matches(draft, "opinion-*.md", root)  # no "/": the file name anywhere (PurePath.match)
    assert path_matches(root / "drafts" / "2025" / "x.md", "drafts/*.md", root)  # fnmatch: * crosses /
    assert not path_matches(root / "drafts" / "news.md", "drafts/opinion-*.md", root)
    assert not path_matches(draft, "Drafts/*.md", root)  # case-sensitive
    s = Settings(per_file_ignores={"drafts/opinion-*.md": ["FC3"]}, config_dir=str(root))
    assert per_file_ignored("FC302", draft, s) and not per_file_ignored("FC101", draft, s)
    assert not per_file_ignored("FC302", root / "drafts" / "news.md", s)


def test_every_policy_threshold_is_a_setting(tmp_path):
    """The decision policy reads every threshold from Settings (issue 12: 7 of 9 used to be constants)."""
    keys = [
        "align_only_in_below",
        "contradiction_signal",
        "symbolic_min_similarity",
        "time_min_similarity",
        "nli_min_similarity",
        "paraphrase_similarity",
        "verbatim_ratio",
        "quote_ratio",
        "dispute_link_similarity",
    ]
    _write(tmp_path / "factcheck.toml", "".join(f"{k.replace('_', '-')} = 0.5\n" for k in keys))
    s = load_settings(tmp_path)
    assert all(getattr(s, k) == 0.5 for k in keys)
    with pytest.raises(UsageError, match="verbatim-ratio must be between 0 and 1, got 2"):
        _write(tmp_path / "factcheck.toml", "verbatim-ratio = 2\n")
        load_settings(tmp_path)


def test_settings_are_validated_where_they_are_built():
    from checker.errors import SettingsError

    with pytest.raises(SettingsError, match=r"^settings: align_top_k must be at least 1, got 0$"):
        Settings(align_top_k=0)
    with pytest.raises(SettingsError, match=r"^settings: unknown key 'nli_modle'"):
        Settings(nli_modle="x")
    with pytest.raises(SettingsError, match=r"^command line: fail_on must be one of"):
        Settings().with_overrides("command line", fail_on="fatal")
    s = Settings(select=["FC1"])
    assert s.select == ["FC101", "FC102", "FC103", "FC104"]
    with pytest.raises(Exception):  # frozen: a change goes through with_overrides, which validates
        s.select = ["FC999"]  # type: ignore[misc]
