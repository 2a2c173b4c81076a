"""Input longer than the NLI model reads is never cut silently (issue 8, item 4)."""

from __future__ import annotations

import json

from checker.align import Candidate
from checker.cli import main
from checker.output.json_format import SCHEMA_PATH
from checker.pipeline import _overlong
from checker.types import Claim

LIST = ", ".join(f"the {word} district" for word in ("north", "south", "east", "west", "harbour", "old town", "airport", "market") * 9)
LONG_A = f"Officials said the storm flooded {LIST}, and that schools would stay closed until Friday."
LONG_B = f"The storm flooded {LIST}, officials said, adding that schools would reopen on Thursday."


def _claim(cid: str, text: str) -> Claim:
    return Claim(id=cid, doc=cid[0], index=0, start=0, end=len(text), text=text)


def test_pairs_within_the_model_length_raise_no_warning():
    assert _overlong([Candidate(_claim("a1", "The storm hit."), _claim("b1", "A storm hit the city."), 0.8, 1)], None) == []


def test_each_overlong_pair_is_named():
    pairs = [Candidate(_claim(f"a{n}", LONG_A), _claim(f"b{n}", LONG_B), 0.9, 1) for n in range(1, 8)]
    (warning,) = _overlong(pairs, None)
    assert warning == (
        "7 aligned sentence pairs longer than the 256 tokens the NLI model reads were judged on the first 256 tokens only: a1/b1, a2/b2, a3/b3, a4/b4, a5/b5 and 2 more"
    )


def test_compare_reports_the_cut_on_stderr_and_in_json(tmp_path, capsys, nli):
    import jsonschema

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(f"Storm closes schools.\n\n{LONG_A}\n", encoding="utf-8")
    b.write_text(f"Schools shut after storm.\n\n{LONG_B}\n", encoding="utf-8")
    code = main(["compare", str(a), str(b), "-o", "json", "--no-cache"])
    out, err = capsys.readouterr()
    report = json.loads(out)
    jsonschema.validate(report, json.loads(SCHEMA_PATH.read_text()))
    assert code in (0, 1)
    assert report["warnings"] == ["1 aligned sentence pair longer than the 256 tokens the NLI model reads was judged on the first 256 tokens only: a2/b2"]
    assert f"factcheck: warning: {report['warnings'][0]}" in err.splitlines()
