"""The study's model, training loop, summary and command line, on tiny settings."""
import json
from dataclasses import replace

import pytest
import torch

from experiments.gates import channel_gates, spatial_maps
from experiments.small_cnn import SmallCNN
from experiments.study import Run, StudyConfig, main, study_data, summarize, train_one


@pytest.mark.parametrize("attention", ["none", "se", "eca", "cbam"])
@pytest.mark.parametrize("canvas", [32, 20])
def test_every_attention_choice_maps_images_to_ten_logits(attention, canvas):
    model = SmallCNN(attention)
    assert model(torch.randn(3, 1, canvas, canvas)).shape == (3, 10)


def test_added_parameters_are_what_each_module_holds():
    base = sum(p.numel() for p in SmallCNN("none").parameters())
    added = {name: sum(p.numel() for p in SmallCNN(name).parameters()) - base for name in ("se", "eca", "cbam")}
    # blocks of 16 and 32 channels, reduction 4: SE 2 C^2 / 4; ECA k(16) = 3, k(32) = 3; CBAM adds 2 * 7 * 7
    assert added["se"] == 2 * 16 * 4 + 2 * 32 * 8 == 640
    assert added["eca"] == 3 + 3
    assert added["cbam"] == 640 + 2 * 98


def test_gates_have_one_weight_per_channel_and_maps_one_per_pixel():
    images = torch.rand(5, 1, 32, 32)
    for name in ("se", "eca", "cbam"):
        gates = channel_gates(SmallCNN(name), images)
        assert gates.shape == (5, 32) and torch.all((gates > 0) & (gates < 1))
    assert spatial_maps(SmallCNN("cbam"), images).shape == (5, 16, 16)
    with pytest.raises(ValueError, match="no spatial map"):
        spatial_maps(SmallCNN("se"), images)


def test_gates_are_read_on_one_thread_and_the_callers_threads_come_back():
    """The analyses after the study run in the book's kernel, whose default is every core."""
    model, seen = SmallCNN("se"), []
    model.stem.register_forward_hook(lambda *_: seen.append(torch.get_num_threads()))
    torch.set_num_threads(2)
    try:
        channel_gates(model, torch.rand(3, 1, 12, 12))
        assert seen == [1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)


def test_the_channel_weights_figure_draws_the_gates_it_is_given():
    from experiments.cluttered_digits import make_cluttered_digits
    from experiments.study_figures import channel_weights

    test = make_cluttered_digits(40, canvas=12, seed=0)
    models = {"se": SmallCNN("se")}
    given = {"se": torch.full((40, 32), 0.25)}
    figure = channel_weights(models, test, names=("se",), gates=given)
    assert figure.axes[0].images[0].get_array().min() == figure.axes[0].images[0].get_array().max() == 0.25
    computed = channel_weights(models, test, names=("se",)).axes[0].images[0].get_array()
    assert computed.std() > 0  # without them it reads the model's own


@pytest.mark.slow
@pytest.mark.parametrize("attention", ["none", "se", "eca", "cbam"])
def test_one_epoch_on_a_small_set_beats_chance(attention):
    config = StudyConfig(epochs=1, canvas=12, train_images=2000, test_images=300, batch_size=16, learning_rate=1e-2)
    train, test = study_data(config, seed=0)
    run, _ = train_one(attention, 0, train, test, config)
    # chance is 0.10 with ten classes; 0.30 is over ten binomial standard deviations above it on 300 images
    assert run.test_accuracy[-1] > 0.30


def test_summary_pairs_each_seed_with_the_same_seed_without_attention():
    runs = [
        Run("none", 0, 100, test_accuracy=[0.80]),
        Run("none", 1, 100, test_accuracy=[0.90]),
        Run("se", 0, 110, test_accuracy=[0.85]),
        Run("se", 1, 110, test_accuracy=[0.89]),
    ]
    se = summarize(runs)[1]
    assert se["added_parameters"] == 10
    assert se["accuracy_mean"] == pytest.approx(0.87)
    assert se["accuracy_std"] == pytest.approx(0.02 * 2**0.5)  # sample sd of 0.85 and 0.89
    assert se["difference_from_none_mean"] == pytest.approx(0.02)  # (+0.05 - 0.01) / 2
    assert (se["difference_from_none_min"], se["difference_from_none_max"]) == pytest.approx((-0.01, 0.05))


@pytest.mark.slow
def test_command_line_writes_results_and_figures(tmp_path):
    main(["--seeds", "1", "--epochs", "1", "--canvas", "16", "--train-images", "200", "--test-images", "100",
          "--device", "cpu", "--out", str(tmp_path), "--no-progress"])
    results = json.loads((tmp_path / "results.json").read_text())
    assert [r["attention"] for r in results["summary"]] == ["none", "se", "eca", "cbam", "cbam-channel"]
    assert len(results["runs"]) == 5 and len(results["runs"][0]["test_accuracy"]) == 1
    for name in ("summary.csv", "learning_curves.png", "accuracy_vs_parameters.png", "cbam_spatial_maps.png",
                 "channel_weights.png"):
        assert (tmp_path / name).stat().st_size > 0


@pytest.mark.parametrize("argv, message", [(["--seeds", "0"], "--seeds"), (["--canvas", "4"], "--canvas"),
                                           (["--device", "tpu"], "device")])
def test_command_line_refuses_bad_options_by_name(argv, message, capsys):
    with pytest.raises(SystemExit):
        main(argv)
    assert message in capsys.readouterr().err


def test_box_contrast_is_the_inside_mean_minus_the_outside_mean():
    from experiments.gates import box_contrast

    maps = torch.full((2, 32, 32), 0.25)  # already at canvas size: upsampling leaves it unchanged
    maps[0, 4:12, 6:14] = 1.0  # image 0: exactly the digit's 8x8 box at (4, 6) is lit
    maps[1, 0:8, 0:8] = 1.0  # image 1: a box elsewhere, 64 of the 960 outside pixels
    contrast = box_contrast(maps, torch.tensor([[4, 6], [20, 20]]), canvas=32)
    assert contrast.tolist() == pytest.approx([1.0 - 0.25, 0.25 - (64 * 1.0 + 896 * 0.25) / 960])


@pytest.mark.gpu
def test_training_on_cuda_gives_the_same_kind_of_result_as_on_cpu():
    config = StudyConfig(epochs=1, canvas=12, train_images=2000, test_images=300, batch_size=16, learning_rate=1e-2,
                         device="cuda")
    train, test = study_data(config, seed=0)
    run, model = train_one("cbam", 0, train, test, config)
    assert run.test_accuracy[-1] > 0.30
    assert next(model.parameters()).device.type == "cpu"  # handed back on the CPU for the figures


def test_paired_interval_is_the_t_interval_of_the_differences():
    from experiments.study import paired_interval

    mean, low, high = paired_interval([0.01, 0.03, 0.02, 0.04])
    # mean 0.025, sd 0.0129099, t(0.975, 3) = 3.182: half-width 3.182 * 0.0129099 / 2
    assert mean == pytest.approx(0.025)
    assert (low, high) == pytest.approx((0.025 - 0.0205397, 0.025 + 0.0205397), abs=1e-6)
    assert paired_interval([0.5])[0] == 0.5 and all(x != x for x in paired_interval([0.5])[1:])


def test_summary_carries_the_interval_of_the_paired_differences():
    runs = [Run("none", s, 100, test_accuracy=[a]) for s, a in enumerate((0.80, 0.90, 0.85))]
    runs += [Run("se", s, 110, test_accuracy=[a]) for s, a in enumerate((0.70, 0.79, 0.76))]
    se = summarize(runs)[1]
    # differences -0.10, -0.11, -0.09: mean -0.10, sd 0.01, t(0.975, 2) = 4.303
    assert se["difference_from_none_low"] == pytest.approx(-0.10 - 4.303 * 0.01 / 3**0.5)
    assert se["difference_from_none_high"] == pytest.approx(-0.10 + 4.303 * 0.01 / 3**0.5)


def test_gate_gain_starts_the_branch_at_full_size_and_cbam_channel_is_one_stage():
    from experiments.attention import GateGain, attention_module

    torch.manual_seed(0)
    x = torch.rand(2, 32, 8, 8) + 1.0
    plain = attention_module("se", 32, reduction=8)
    gained = attention_module("se", 32, reduction=8, gate_gain=True)
    gained.module.load_state_dict(plain.state_dict())
    assert isinstance(gained, GateGain) and gained.gain == 2.0
    assert torch.allclose(gained(x), 2 * plain(x))
    assert attention_module("cbam", 32, gate_gain=True).gain == 4.0
    channel_only = attention_module("cbam-channel", 32, reduction=8)
    assert sum(p.numel() for p in channel_only.parameters()) == 2 * 32 * 4  # the shared MLP, no 7x7 kernel


def test_the_book_runs_the_book_preset_unless_told_otherwise(monkeypatch):
    from experiments.study import PRESETS, book_config

    monkeypatch.delenv("COURSE_STUDY_PRESET", raising=False)
    assert book_config() == PRESETS["book"]
    monkeypatch.setenv("COURSE_STUDY_PRESET", "smoke")
    assert book_config() == PRESETS["smoke"]
    monkeypatch.setenv("COURSE_STUDY_PRESET", "huge")
    with pytest.raises(ValueError, match="COURSE_STUDY_PRESET"):
        book_config()


def test_each_seed_trains_on_the_configured_threads_and_gives_the_caller_its_own_back(monkeypatch):
    import experiments.study as study

    seen = []
    monkeypatch.setattr(study, "train_one", lambda attention, seed, *args: seen.append(torch.get_num_threads())
                        or (Run(attention, seed, 1, test_accuracy=[0.5]), None))
    torch.set_num_threads(2)
    try:
        runs, models, _ = study.run_study(replace(TINY, threads=1), progress=False, seeds=[3])
        assert seen == [1, 1] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)
    assert [(r.attention, r.seed) for r in runs] == [("none", 3), ("se", 3)] and set(models) == {"none", "se"}


TINY = StudyConfig(seeds=2, epochs=1, canvas=12, train_images=96, test_images=64, batch_size=32,
                   attentions=("none", "se"), processes=1)


def test_classes_another_process_cannot_import_train_in_this_one(monkeypatch):
    import experiments.study as study
    from autograder import reference

    class SEBlock(reference.SEBlock):
        pass

    SEBlock.__module__ = "__main__"  # as a class defined in a notebook's cell
    assert not study.importable({"se": SEBlock}) and study.importable({"se": reference.SEBlock})
    assert study.importable(None)

    def no_pool(*args, **kwargs):
        raise AssertionError("a process pool was started for classes it cannot import")

    monkeypatch.setattr(study, "ProcessPoolExecutor", no_pool)
    runs, models, _ = study.run_study(replace(TINY, processes=2), progress=False, modules={"se": SEBlock})
    assert len(runs) == 4 and isinstance(models["se"].blocks[0].attention, SEBlock)


def test_the_t_quantiles_are_students():
    from scipy import stats

    from experiments.study import T_975

    assert T_975 == pytest.approx([stats.t.ppf(0.975, df) for df in range(1, len(T_975) + 1)], abs=6e-4)


def test_the_book_preset_fits_the_build_budget():
    """About 400,000 training images in all (runs x epochs x images), on 12 x 12 canvases, in two
    processes of one thread: what leaves the whole build well under three minutes on two cores
    (benchmarks/book_build.py measures the build)."""
    from experiments.study import PRESETS

    book = PRESETS["book"]
    runs = book.seeds * len(book.attentions)
    assert runs * book.epochs * book.train_images <= 400_000
    assert book.canvas <= 12 and book.threads == 1 and book.processes == 2 and book.seeds >= 6
    assert PRESETS["large"].processes == 1  # one GPU: the runs take turns on it


def test_processor_time_counts_the_worker_processes():
    """The runs happen in workers: the study's processor time must include theirs, not only the parent's."""
    import subprocess
    import sys
    import time

    from experiments.study import cpu_time

    before, own = cpu_time(), time.process_time()
    burn = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", burn], check=True)
    assert cpu_time() - before >= 0.45
    assert time.process_time() - own < 0.2  # the parent itself only waited
