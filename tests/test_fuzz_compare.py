"""Property-based test of the whole ``factcheck compare`` (issue 16) on generated pairs of short
articles: it exits 0 (``--exit-zero``) or, for a documented input error, 2 with one line and no
output file — never an internal error; every claim's offsets slice its file's text; and the same
input gives byte-identical JSON.

The models are the shipped ones, loaded once per session (the ``nli`` fixture; the CLI reuses the
loaded model). Few examples in CI (they run the models); ``scripts/fuzz.py --compare-examples N``
for more.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

from hypothesis import example, given

from checker.cli import main
from fuzz_text import COMPARE_EXAMPLES_ENV, examples, short_article


def _compare(a: Path, b: Path, out: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["compare", str(a), str(b), "-o", "json", "--output-file", str(out), "--no-cache", "--exit-zero", "-q"])
    return code, err.getvalue()


@examples(ci=5, env=COMPARE_EXAMPLES_ENV)
@given(text_a=short_article(), text_b=short_article())
# found by this test: two identical boilerplate-only articles (exit 2, "are identical")
@example(text_a="Unlock the White House Watch newsletter for free", text_b="Unlock the White House Watch newsletter for free")
def test_compare_on_generated_article_pairs(tmp_path_factory, monkeypatch, nli, text_a: str, text_b: str):
    # FACTCHECK_DEBUG stays unset: it would print a traceback with every documented input error, and
    # the one-line contract below is what users get. An internal error still names its exception (exit 3).
    monkeypatch.delenv("FACTCHECK_DEBUG", raising=False)
    folder = tmp_path_factory.mktemp("pair")
    a, b = folder / "a.txt", folder / "b.txt"
    a.write_text(text_a, encoding="utf-8")
    b.write_text(text_b, encoding="utf-8")
    first, second = folder / "first.json", folder / "second.json"
    code, err = _compare(a, b, first)
    if code == 2:  # a documented input error: one line, nothing written
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("factcheck: error: "), err
        assert not first.exists()
        return
    assert code == 0, err
    report = json.loads(first.read_text(encoding="utf-8"))
    raw = {d["id"]: Path(d["path"]).read_text(encoding="utf-8").lstrip("\ufeff") for d in report["documents"]}
    for claim in report["claims"]:
        assert raw[claim["doc"]][claim["start"] : claim["end"]] == claim["text"], claim["id"]
        for t in claim["times"]:
            assert t["text"] in claim["text"]
    code, err = _compare(a, b, second)
    assert code == 0, err
    assert second.read_bytes() == first.read_bytes()  # same input, same JSON
