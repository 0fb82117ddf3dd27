"""The ablations: each variant changes one thing, is saved on its own, and the saved ones match the book's preset."""
import json
from dataclasses import asdict, replace

import pytest

from experiments.ablations import ARMS, RESULTS, load, main, run_ablations, slug, variants
from experiments.study import PRESETS, StudyConfig

TINY = StudyConfig(seeds=2, epochs=1, canvas=12, train_images=64, test_images=32, batch_size=16, processes=1)


def test_each_variant_changes_one_setting_of_the_preset():
    base = PRESETS["book"]
    changes = variants(base)
    assert changes["preset"] == {}
    assert all(len(change) == 1 for name, change in changes.items() if name != "preset")
    assert changes["2x epochs"] == {"epochs": 2 * base.epochs}
    assert changes["peak lr / 3"] == {"learning_rate": base.learning_rate / 3}


def test_variant_names_become_plain_file_names():
    assert slug("peak lr / 3") == "peak-lr-3" and slug("2x data") == "2x-data" and slug("preset") == "preset"


def test_each_variant_is_handed_over_as_soon_as_it_is_done():
    saved = []
    records = run_ablations(TINY, names=["preset", "gate gain"], done=lambda so_far: saved.append(len(so_far)))
    assert saved == [1, 2]
    assert [r["name"] for r in records] == ["preset", "gate gain"]
    for record in records:
        assert [row["attention"] for row in record["summary"]] == list(ARMS)
        assert sorted(record["final_accuracy"]) == sorted(f"{a}/{s}" for a in ARMS for s in range(2))


def test_the_command_line_writes_one_file_per_variant_with_its_command_and_machine(tmp_path, monkeypatch):
    monkeypatch.setitem(PRESETS, "tiny", TINY)
    main(["--preset", "tiny", "--only", "peak lr / 3", "--out", str(tmp_path)])
    document = json.loads((tmp_path / "peak-lr-3.json").read_text())
    assert document["variant"]["name"] == "peak lr / 3"
    assert document["command"] == "python -m experiments.ablations --preset tiny --only 'peak lr / 3' --out " + str(
        tmp_path)
    assert document["machine"]["cpu_count"] >= 1 and document["started"] <= document["finished"]
    assert [d["variant"]["name"] for d in load(tmp_path)] == ["peak lr / 3"]


def test_the_command_line_refuses_an_unknown_variant_by_name(capsys):
    with pytest.raises(SystemExit):
        main(["--only", "dropout"])
    assert "dropout" in capsys.readouterr().err


def test_the_saved_ablations_were_run_on_the_books_current_preset():
    """The chapter compares them with its own study: a changed preset needs them run again."""
    documents = load(RESULTS)
    assert [d["variant"]["name"] for d in documents][:1] == ["preset"], "run python -m experiments.ablations"
    expected = json.loads(json.dumps(asdict(replace(PRESETS["book"], attentions=ARMS))))
    for document in documents:
        name = document["variant"]["name"]
        assert document["preset"] == "book"
        # the costlier variants may run on fewer seeds (the first ones, so they stay paired with the preset's)
        assert 3 <= document["base"].pop("seeds") <= expected["seeds"], name
        assert document["base"] == {k: v for k, v in expected.items() if k != "seeds"}, f"{name} ran on another preset"
