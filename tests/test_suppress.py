"""Inline suppression comments: parsing, which lines they cover, removal from claims, and their
effect on `factcheck check` (real pipeline) and `factcheck compare` (fake pipeline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.errors import InputError
from checker.suppress import apply_suppressions, find_directives, strip_directives
from checker.types import Claim, Document, Finding, Report
from conftest import AFP, FT, ROOT

try:
    from tests.test_outputs import TEXT_B, make_report, write_sample_files
except ImportError:
    from test_outputs import TEXT_B, make_report, write_sample_files

CONTRA = ROOT / "tests" / "data" / "check" / "draft_contradicts.md"


def _doc(text: str, fmt: str = "md", path: str = "d.md") -> Document:
    return Document("a", Path(path), text, [(0, len(text))], format=fmt)


def test_comment_alone_covers_the_next_line():
    [d] = find_directives(_doc("Intro.\n<!-- factcheck: ignore FC101 -->\nLavrov did not attend.\n"))
    assert (d.line, d.applies_to, d.codes) == (2, 3, ("FC101",))


def test_comment_after_text_covers_its_own_line():
    [d] = find_directives(_doc("Lavrov did not attend. <!-- factcheck: ignore -->\nNext line.\n"))
    assert (d.line, d.applies_to, d.codes) == (1, 1, None)


def test_codes_prefixes_names_and_a_reason():
    [d] = find_directives(_doc("<!-- factcheck: ignore FC2, contradiction; the AFP story predates the deal -->\nx\n"))
    assert d.codes == ("FC201", "FC202", "FC203", "FC204", "FC101")


def test_hash_comments_only_in_plain_text():
    text = "# factcheck: ignore FC302\nA sentence.\nAnother one. # factcheck: ignore FC201\n"
    found = find_directives(_doc(text, "txt", "d.txt"))
    assert [(d.line, d.applies_to, d.codes) for d in found] == [(1, 2, ("FC302",)), (3, 3, ("FC201",))]
    assert find_directives(_doc(text, "md")) == []  # a Markdown heading, not a comment


def test_unknown_code_is_an_input_error_with_its_line():
    with pytest.raises(InputError, match=r"d\.md:2: unknown rule code"):
        find_directives(_doc("Text.\n<!-- factcheck: ignore FC999 -->\nMore.\n"))


def test_comments_are_not_claims(tmp_path):
    from checker.pipeline import load_documents

    path = tmp_path / "draft.txt"
    path.write_text(
        "# factcheck: ignore FC302\nThe talks were held in Riyadh.\nLavrov attended them. <!-- factcheck: ignore FC101 -->\nRubio met Saudi officials.\n", encoding="utf-8"
    )
    [doc] = load_documents([path])
    assert [c.text for c in doc.claims] == ["The talks were held in Riyadh.", "Lavrov attended them.", "Rubio met Saudi officials."]
    assert [(c.id, c.index) for c in doc.claims] == [("a1", 0), ("a2", 1), ("a3", 2)]
    assert all(doc.raw_text[c.start : c.end] == c.text for c in doc.claims)
    strip_directives(doc)  # idempotent
    assert len(doc.claims) == 3


def _report(text: str, findings: list[Finding]) -> Report:
    lines = text.split("\n")
    claims, offset = [], 0
    for n, line in enumerate(lines):
        if line and not line.startswith("<!--"):
            end = line.find(" <!--")
            end = len(line) if end < 0 else end
            claims.append(Claim(f"a{n + 1}", "a", n, offset, offset + end, line[:end]))
        offset += len(line) + 1
    return Report([Document("a", Path("d.md"), text, [(0, len(text))], format="md", claims=claims)], findings)


def test_apply_suppressions_by_line_and_rule():
    text = "<!-- factcheck: ignore FC201 -->\nOne.\nTwo. <!-- factcheck: ignore -->\nThree.\n"
    findings = [
        Finding("F1", "numeric_mismatch", "error", "FC201", "m", ["a2"]),  # line 2, FC201 ignored there
        Finding("F2", "contradiction", "error", "FC101", "m", ["a2"]),  # line 2, other rule: kept
        Finding("F3", "unsupported", "warning", "FC302", "m", ["a3"]),  # line 3: everything ignored
        Finding("F4", "unsupported", "warning", "FC302", "m", ["a4", "a3"]),  # a linked claim on line 3
        Finding("F5", "unsupported", "warning", "FC302", "m", ["a4"]),  # line 4: kept
    ]
    out = apply_suppressions(_report(text, findings))
    assert [f.id for f in out.findings] == ["F2", "F5"]
    assert out.filtered == {"suppressed": 3}


def test_no_comments_no_change():
    report = _report("One.\nTwo.\n", [Finding("F1", "unsupported", "warning", "FC302", "m", ["a1"])])
    assert apply_suppressions(report) is report and report.filtered == {}


# -- end to end ----------------------------------------------------------------------------------


def test_check_honours_comments_in_the_draft(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    text = CONTRA.read_text(encoding="utf-8")
    text = text.replace("Hundreds of soldiers", "<!-- factcheck: ignore FC201 -->\nHundreds of soldiers")
    text = text.replace("three days of meetings.", "three days of meetings. <!-- factcheck: ignore; confirmed by the hotel -->")
    draft = tmp_path / "draft.md"
    draft.write_text(text, encoding="utf-8")
    base = ["check", str(draft), "--against", str(FT), str(AFP), "--date", f"{FT}=2025-02-17", "-o", "json", "--select", "FC201,FC302"]
    code = main(base)
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["findings"] == []
    assert data["summary"]["filtered"] == {"suppressed": 2}
    assert not any("factcheck" in c["text"] for c in data["claims"])

    draft.write_text(text.replace("ignore FC201", "ignore FC101"), encoding="utf-8")  # another rule: not suppressed
    code = main(base)
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and [f["rule"] for f in data["findings"]] == ["FC201"]


def test_compare_honours_comments(capsys, tmp_path, monkeypatch):
    a, b = write_sample_files(tmp_path)
    b_text = TEXT_B.replace("About 900 people were counted.\n", "About 900 people were counted. <!-- factcheck: ignore FC201 -->\n")
    b.write_text(b_text, encoding="utf-8")

    def judge_job(job, settings, progress=None):  # the engine, replaced: post-processing is the library's
        report = make_report(job.paths[0], job.paths[1])
        report.documents[1].raw_text = b_text  # offsets of b's claims are unchanged: the comment comes last
        return report

    import checker.pipeline

    monkeypatch.setattr(checker.pipeline, "judge_job", judge_job)
    monkeypatch.chdir(tmp_path)
    code = main(["compare", str(a), str(b), "-o", "json"])
    data = json.loads(capsys.readouterr().out)
    assert "FC201" not in {f["rule"] for f in data["findings"]} and data["summary"]["filtered"] == {"suppressed": 1}
    assert code == 1  # the FC202 error remains
