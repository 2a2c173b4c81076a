"""scripts/bench_accuracy.py: metrics, dev/test discipline, --limit and the score cache."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import AFP, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import accuracy_data  # noqa: E402
import bench_accuracy  # noqa: E402
from accuracy_data import Item  # noqa: E402


def test_fnc_score_follows_the_official_weights():
    gold = ["agree", "unrelated", "disagree", "discuss"]
    assert bench_accuracy.fnc_score(gold, gold) == 1.0
    # related/unrelated right everywhere, every stance wrong: 0.25 per related pair + 0.25 for the unrelated one
    assert bench_accuracy.fnc_score(gold, ["discuss", "unrelated", "agree", "agree"]) == pytest.approx(1.0 / 3.25)
    assert bench_accuracy.fnc_score(gold, ["unrelated"] * 4) == pytest.approx(0.25 / 3.25)


def test_fnc_decision_order_is_relatedness_then_contradiction_then_support():
    row = {"similarity": 0.5, "contradiction": 0.9, "score": 0.9}
    assert bench_accuracy.fnc_predict(row, (0.6, 0.5, 0.0)) == "unrelated"
    assert bench_accuracy.fnc_predict(row, (0.4, 0.5, 0.0)) == "disagree"
    assert bench_accuracy.fnc_predict(row, (0.4, 0.95, 0.0)) == "agree"
    assert bench_accuracy.fnc_predict(row, (0.4, 0.95, 0.95)) == "discuss"


def test_the_threshold_is_chosen_on_dev_and_only_reported_on_test():
    items = [Item("x", "dev", f"d{i}", "c", "d", y) for i, y in enumerate([0, 0, 1, 1])]
    items += [Item("x", "test", f"t{i}", "c", "d", y) for i, y in enumerate([1, 1, 0, 0])]
    scores = dict(zip([it.id for it in items], [0.1, 0.2, 0.8, 0.9, 0.1, 0.2, 0.8, 0.9]))
    m = bench_accuracy.binary_metrics(items, {k: {"score": v} for k, v in scores.items()})
    assert m["threshold"] == pytest.approx(0.5)
    assert m["bacc"] == 0.0 and m["auc"] == 0.0  # the test split is inverted: tuning on it would hide that
    assert m["dev_auc"] == 100.0 and (m["n_dev"], m["n_test"], m["pos_test"]) == (4, 4, 2)


def test_sampling_is_per_split_stable_and_keeps_everything_without_a_limit():
    items = [Item("x", "dev" if i % 3 else "test", str(i), "c", "d", i % 2) for i in range(60)]
    a, b = accuracy_data.sample(items, 5), accuracy_data.sample(items, 5)
    assert [it.id for it in a] == [it.id for it in b]
    assert sum(it.split == "dev" for it in a) == 5 and sum(it.split == "test" for it in a) == 5
    assert accuracy_data.sample(items, None) == items


@pytest.fixture()
def fake_shared(tmp_path: Path) -> Path:
    """A ../shared with one SummEdits file: AFP article sentences, copied or with a fact changed."""
    doc = AFP.read_text(encoding="utf-8")
    good = "U.S. and Russian officials are due to meet in Saudi Arabia's capital on Tuesday."
    bad = ["U.S. and Russian officials are due to meet in Istanbul on Tuesday.", "The talks collapsed after 35 diplomats walked out."]
    rows = [
        {"id": f"s_{n}", "doc": doc, "summary": text, "label": label, "split": split}
        for n, (text, label, split) in enumerate(
            [(good, 1, "evaluation"), (bad[0], 0, "evaluation"), (good + " It is a follow-up meeting.", 1, "test"), (bad[1], 0, "test"), (bad[0], 0, "test")]
        )
    ]
    folder = tmp_path / "shared" / "benchmarks" / "summedits"
    folder.mkdir(parents=True)
    (folder / "summedits_news.json").write_text(json.dumps(rows), encoding="utf-8")
    return tmp_path / "shared"


def _run(monkeypatch, *argv: str) -> None:
    monkeypatch.setattr(sys, "argv", ["bench_accuracy.py", *argv])
    bench_accuracy.main()


def test_a_limited_run_scores_each_item_once_and_a_rerun_reuses_the_cache(nli, fake_shared, tmp_path, monkeypatch):
    args = ["--shared", str(fake_shared), "--datasets", "summedits_news", "--limit", "2", "--cache-dir", str(tmp_path / "cache"), "--results", str(tmp_path / "r.json")]
    _run(monkeypatch, *args)
    first = json.loads((tmp_path / "r.json").read_text())
    m = first["results"]["summedits_news"]
    assert (m["n_dev"], m["n_test"]) == (2, 2)
    assert m["auc"] == 100.0  # the copied sentence outscores the invented figure
    (cache,) = (tmp_path / "cache").glob("*/summedits_news.jsonl")
    rows = [json.loads(line) for line in cache.read_text().splitlines()]
    assert len(rows) == 4 and all(r["pairs"] > 0 for r in rows)
    # "meet in Istanbul" against the source's "Saudi Arabia's capital": contradicted, and the name is not in the source
    wrong_place = ["contradiction", "name_not_in_source"]
    expected = {"s_0": [], "s_1": wrong_place, "s_2": [], "s_3": ["number_not_in_source"], "s_4": wrong_place}
    assert {r["id"]: r["flags"] for r in rows} == {r["id"]: expected[r["id"]] for r in rows}

    monkeypatch.setattr("checker.score.score_claims", lambda *a, **k: pytest.fail("a cached item was scored again"))
    _run(monkeypatch, *args)
    assert json.loads((tmp_path / "r.json").read_text()) == first
    assert cache.read_text().count("\n") == 4


def test_an_unknown_data_set_is_a_usage_error(monkeypatch, capsys):
    with pytest.raises(SystemExit) as exit_:
        _run(monkeypatch, "--datasets", "summedits_nws")
    assert exit_.value.code == 2
    assert "unknown data set(s) summedits_nws" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--limit-for", "fnc1_related=lots"], "--limit-for takes NAME=N or NAME=all, got 'fnc1_related=lots'"), (["--limit-for", "fnc2=all"], "unknown data set(s) fnc2")],
)
def test_bad_per_set_limits_are_usage_errors(monkeypatch, capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        _run(monkeypatch, *argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_one_pooled_threshold_is_fitted_on_every_dev_split_but_strict_polytope():
    def metrics(dev, test):
        return {"_scores": {"dev": ([s for s, _ in dev], [y for _, y in dev]), "test": ([s for s, _ in test], [y for _, y in test])}}

    results = {
        "a": metrics([(0.1, False), (0.3, True)], [(0.25, True), (0.05, False)]),
        "b": metrics([(0.15, False), (0.4, True)], [(0.12, False), (0.5, True)]),
        "polytope": metrics([(0.9, False), (0.95, True)], [(0.9, True), (0.1, False)]),  # would pull the threshold to 0.93
    }
    t = bench_accuracy.pooled_threshold(results)
    assert 0.15 < t < 0.3
    assert results["a"]["bacc_pooled"] == results["b"]["bacc_pooled"] == 100.0
    assert all("_scores" not in m for m in results.values())
