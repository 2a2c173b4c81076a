"""``factcheck corpus`` end to end on real articles: PAC dev story pairs (fixtures/pac) as a JSON Lines feed.

The feed keeps the first four paragraphs of each article (short, so that the NLI work stays small) and uses the
MiniLM NLI model; stories, reports, the index, bad records, resuming and the Ray engine are all checked on it.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from checker.cli import main
from conftest import PAC_STORIES, assert_one_error_line

ROOT = Path(__file__).resolve().parents[1]
PAC = ROOT / "fixtures" / "pac"
STORIES = ("senate-gun-bill", "title-42", "cook-inlet")
FAST = ["--nli-model", "nli-minilm-l6"]


def pac_record(name: str, paragraphs: int = 4) -> dict:
    """A PAC fixture file as a feed record: its ``date YYYY-MM-DD Title`` line gives date and title."""
    head, body = (PAC / name).read_text(encoding="utf-8").split("\n", 1)
    match = re.fullmatch(r"date (\d{4}-\d\d-\d\d) (.+)", head)
    assert match, head
    text = "\n\n".join([p for p in body.split("\n") if p.strip()][:paragraphs])
    return {"id": name.removesuffix(".txt"), "outlet": name.split("-", 2)[2].removesuffix(".txt"), "date": match[1], "title": match[2], "text": text}


def write_feed(path: Path, lines: list) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def records() -> list[dict]:
    return [pac_record(name) for key in STORIES for name in PAC_STORIES[key]]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["corpus", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def index(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "index.jsonl").read_text(encoding="utf-8").splitlines()]


def test_stories_reports_index_bad_record_and_resume(tmp_path, capsys, records):
    feed = write_feed(tmp_path / "feed.jsonl", [*records[:3], '{"id": "broken", "outlet": "x"', *records[3:]])
    out = tmp_path / "out"

    code, stdout, err = run(capsys, feed, "--out", out, *FAST)

    # the bad record: one line naming file and line, and the rest is still reported; exit 2 (bad input)
    assert code == 2
    assert f"factcheck: error: {feed}:4: not valid JSON" in err
    assert "6 articles, 3 stories: 3 compared, 0 unchanged" in stdout
    entries = index(out)
    assert sorted(tuple(e["articles"]) for e in entries) == sorted(tuple(n.removesuffix(".txt") for n in PAC_STORIES[k]) for k in STORIES)
    for e in entries:
        assert e["status"] == "compared" and e["size"] == 2
        report = json.loads((out / e["json"]).read_text(encoding="utf-8"))
        assert [d["path"] for d in report["documents"]] == e["articles"]  # a is the earlier article, ties by id
        assert {s: report["summary"]["by_severity"][s] for s in ("error", "warning", "info")} == e["findings"]
        html = (out / e["html"]).read_text(encoding="utf-8")
        assert html.lower().startswith("<!doctype html>") and all(a in html for a in e["articles"])
    assert [e["contested"] for e in entries] == sorted((e["contested"] for e in entries), reverse=True)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{e["html"]}"' in page for e in entries)
    assert "Senate passes most sweeping gun bill in decades" in page
    assert sorted(p.name for p in out.rglob("*")) == sorted(["index.html", "index.jsonl", "stories", *(Path(e[k]).name for e in entries for k in ("json", "html"))])

    # second run: nothing changed, nothing recomputed, files untouched
    stamps = {p: p.stat().st_mtime_ns for p in (out / "stories").iterdir()}
    code, stdout, err = run(capsys, feed, "--out", out, *FAST)
    assert code == 2 and f"{feed}:4:" in err
    assert "3 stories: 0 compared, 3 unchanged" in stdout
    assert {p: p.stat().st_mtime_ns for p in (out / "stories").iterdir()} == stamps

    # one article edited: only its story is recomputed; with the bad line gone the exit code is compare's
    records[5]["text"] = records[5]["text"].replace("Biden administration", "The administration", 1)
    assert records[5]["id"] == "story-99-fox-business"
    write_feed(feed, records)
    code, stdout, err = run(capsys, feed, "--out", out, *FAST)
    assert "3 stories: 1 compared, 2 unchanged" in stdout
    assert err.strip().splitlines()[-1].startswith("factcheck: wrote")
    assert code == (1 if any(e["findings"]["error"] for e in index(out)) else 0)
    changed = next(e for e in index(out) if "story-99-fox-business" in e["articles"])
    assert (out / changed["json"]).stat().st_mtime_ns != stamps[out / changed["json"]]


@pytest.mark.parametrize(
    "make, fragment",
    [
        (lambda d: d / "missing.jsonl", "missing.jsonl: not found"),
        (lambda d: write_feed(d / "feed.csv", ["id,text"]), "a corpus is a folder of article files or a JSON Lines file"),
        (lambda d: write_feed(d / "empty.jsonl", []), "no readable articles"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, make, fragment):
    code, stdout, err = run(capsys, make(tmp_path), "--out", tmp_path / "out")
    assert code == 2
    assert_one_error_line(err, fragment)
    assert not (tmp_path / "out").exists()


def test_every_record_bad_names_each_line_then_fails(tmp_path, capsys):
    feed = write_feed(tmp_path / "feed.jsonl", ["[1, 2]", '{"id": "a", "outlet": "X", "date": "2022-02-30", "title": "T", "text": "Words here."}'])
    code, _, err = run(capsys, feed, "--out", tmp_path / "out")
    assert code == 2
    assert err.splitlines() == [
        f"factcheck: error: {feed}:1: expected a JSON object, got list",
        f"factcheck: error: {feed}:2: field 'date' '2022-02-30' is not a calendar date",
        f"factcheck: error: {feed}: no readable articles (2 bad records)",
    ]


def test_output_folder_problems_are_refused_before_reading(tmp_path, capsys):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in PAC_STORIES["title-42"]:
        (folder / name).write_text((PAC / name).read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(capsys, folder, "--out", folder / "reports")
    assert code == 2
    assert_one_error_line(err, "is inside the corpus folder")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _, err = run(capsys, folder, "--out", tmp_path / "file")
    assert code == 2
    assert_one_error_line(err, "is a file")
    code, _, err = run(capsys, folder, "--out", tmp_path / "o", "--address", "ray://127.0.0.1:1")
    assert code == 2
    assert_one_error_line(err, "--address needs --engine ray")


def test_ray_not_installed_is_one_line(tmp_path, capsys, monkeypatch, records):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    feed = write_feed(tmp_path / "feed.jsonl", records[:2])
    code, _, err = run(capsys, feed, "--out", tmp_path / "out", "--engine", "ray")
    assert code == 2
    assert_one_error_line(err, "ray is not installed: pip install 'newsroom-factcheck[ray]'")


@pytest.fixture(scope="module")
def local_ray():
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed (pip install 'newsroom-factcheck[ray]'; scripts/setup.sh installs it)")
    import logging

    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    yield ray
    ray.shutdown()


def test_ray_engine_gives_the_same_reports(tmp_path, capsys, records, local_ray):
    feed = write_feed(tmp_path / "feed.jsonl", records[:4])
    outs = {}
    for engine in ("in-process", "ray"):
        outs[engine] = tmp_path / engine
        code, stdout, _ = run(capsys, feed, "--out", outs[engine], "--engine", engine, "--no-cache", *FAST)
        assert "4 articles, 2 stories: 2 compared" in stdout, stdout
        assert code in (0, 1)
    files = sorted(p.relative_to(outs["in-process"]) for p in outs["in-process"].rglob("*") if p.is_file())
    assert len(files) == 2 + 2 * 2
    assert files == sorted(p.relative_to(outs["ray"]) for p in outs["ray"].rglob("*") if p.is_file())
    for rel in files:
        assert (outs["ray"] / rel).read_bytes() == (outs["in-process"] / rel).read_bytes(), rel
