"""The training study: a small CNN with no attention, SE, ECA and CBAM on cluttered digits, over seeds.

For each seed, every attention choice trains on the same canvases in the same batch
order (only the initial weights differ by module), so differences between modules
are paired. Run it as

    python -m experiments.study --device auto --out study-results     # the book's setting: minutes on 2 cores
    python -m experiments.study --preset large --device cuda --out study-large
"""
import argparse
import csv
import json
import multiprocessing
import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm

from .attention import ATTENTIONS
from .cluttered_digits import make_cluttered_digits, source_split
from .small_cnn import SmallCNN


@dataclass(frozen=True)
class StudyConfig:
    seeds: int = 6
    epochs: int = 3
    canvas: int = 12
    train_images: int = 4000
    test_images: int = 2000
    batch_size: int = 64
    learning_rate: float = 1e-2
    attentions: tuple = ATTENTIONS
    gate_gain: bool = False  # rescale each module's output by 2 per gate stage (see attention.GateGain)
    device: str = "cpu"
    threads: int = 1  # CPU threads per process (see train_seed)
    processes: int = 2  # seeds trained at once, each in its own process (CPU only; see run_study)


PRESETS = {
    # 30 runs of 12,000 training images each on 12 x 12 canvases: about 100 s of processor time,
    # 50 s on two cores, so that the whole book builds within three minutes
    # (benchmarks/book_build.py measures it)
    "book": StudyConfig(),
    # Checks the pipeline only, in the kernel itself: no worker processes to start (test_study_in_a_kernel.py
    # starts them from a kernel, as the "book" preset does).
    "smoke": StudyConfig(seeds=2, epochs=2, train_images=300, test_images=300, processes=1),
    "large": StudyConfig(seeds=10, epochs=20, canvas=40, train_images=20000, test_images=5000,
                         threads=os.cpu_count() or 1, processes=1),  # for a GPU
}


@dataclass
class Run:
    attention: str
    seed: int
    parameters: int
    train_loss: list = field(default_factory=list)  # mean loss of each epoch
    test_accuracy: list = field(default_factory=list)  # after each epoch
    seconds: float = 0.0  # wall clock
    cpu_seconds: float = 0.0  # processor time of this process: what the run costs on a machine shared with others


def book_config() -> StudyConfig:
    """The preset the book's build runs: "book", unless COURSE_STUDY_PRESET names another
    (a quick "smoke" build that checks the chapter renders, on a machine too busy for the study)."""
    name = os.environ.get("COURSE_STUDY_PRESET", "book")
    if name not in PRESETS:
        raise ValueError(f"COURSE_STUDY_PRESET must be one of {', '.join(PRESETS)}; got {name!r}")
    return PRESETS[name]


def resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be auto, cpu or cuda; got {device!r}")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but CUDA is not available; use --device cpu or auto")
    return device


def study_data(config: StudyConfig, seed: int):
    """The seed's train and test canvases, drawn from disjoint digit images."""
    train_sources, test_sources = source_split(seed)
    train = make_cluttered_digits(config.train_images, canvas=config.canvas, sources=train_sources, seed=2 * seed)
    test = make_cluttered_digits(config.test_images, canvas=config.canvas, sources=test_sources, seed=2 * seed + 1)
    return train, test


def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch: int = 500) -> float:
    model.eval()
    with torch.no_grad():
        correct = sum(
            (model(images[i : i + batch]).argmax(dim=1) == labels[i : i + batch]).sum().item()
            for i in range(0, len(labels), batch)
        )
    return correct / len(labels)


def train_one(attention: str, seed: int, train, test, config: StudyConfig, modules=None):
    """Train one SmallCNN; returns the Run record and the trained model.

    modules: classes with the exercise API for the attention slot (None: the course's).
    """
    device = config.device
    torch.manual_seed(1000 * seed + ATTENTIONS.index(attention))  # each module its own initial weights
    model = SmallCNN(attention, modules=modules, gate_gain=config.gate_gain)
    model = model.to(device, memory_format=torch.channels_last)
    run = Run(attention, seed, sum(p.numel() for p in model.parameters()))
    x_train, y_train = train.images.to(device, memory_format=torch.channels_last), train.labels.to(device)
    x_test, y_test = test.images.to(device, memory_format=torch.channels_last), test.labels.to(device)
    steps = config.epochs * -(-len(y_train) // config.batch_size)
    # foreach: one call per step for all parameters instead of a dozen per tensor (the same arithmetic,
    # the same weights bit for bit); on a network this small the per-tensor loop was a tenth of a step
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, foreach=True)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.learning_rate, total_steps=steps)
    order = torch.Generator().manual_seed(seed)  # the same batch order for every module
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(config.epochs):
        model.train()
        losses = []
        for batch in torch.randperm(len(y_train), generator=order).split(config.batch_size):
            batch = batch.to(device)
            loss = nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
        run.train_loss.append(sum(losses) / len(losses))
        run.test_accuracy.append(accuracy(model, x_test, y_test))
    run.seconds, run.cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    return run, model.cpu()


def run_study(config: StudyConfig = StudyConfig(), progress: bool = True, seeds=None, modules=None):
    """Every attention choice for each seed (default: all of config.seeds).

    modules: classes with the exercise API for the attention slot (None: the course's).

    Runs config.processes training runs at a time, each in its own process on config.threads
    threads; the results do not depend on how many (every run seeds itself). Classes defined
    in a notebook or script (module __main__) cannot be sent to another process, so with
    those the runs stay in this one.

    Returns (runs, the trained models of the first seed, that seed's test data).
    """
    config = replace(config, device=resolve_device(config.device))
    seeds = list(range(config.seeds) if seeds is None else seeds)
    processes = min(config.processes, len(seeds)) if config.device == "cpu" and importable(modules) else 1
    with tqdm(total=len(seeds), disable=not progress, unit="seed") as bar:
        if processes > 1:
            # spawn, not fork: a fresh interpreter is safe in a Jupyter kernel and beside torch's threads
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
                futures = [pool.submit(train_seed, config, seed, modules) for seed in seeds]
                for _ in as_completed(futures):
                    bar.update(1)
                results = [future.result() for future in futures]
        else:
            results = []
            for seed in seeds:
                results.append(train_seed(config, seed, modules))
                bar.update(1)
    runs = [run for seed_runs, _ in results for run in seed_runs]
    models = results[0][1] if results else {}
    first_test = study_data(config, seeds[0])[1] if seeds else None
    return runs, models, first_test


def cpu_time() -> float:
    """Processor seconds of this process and of its finished worker processes."""
    own = os.times()
    return own.user + own.system + own.children_user + own.children_system


def importable(modules) -> bool:
    """Whether another process can import every class in `modules` by its module and name."""
    return modules is None or all(cls.__module__ != "__main__" for cls in modules.values())


def train_seed(config: StudyConfig, seed: int, modules=None) -> tuple:
    """Every attention choice of one seed, on config.threads threads (spawn-safe: workers call it).

    Returns ([Run per attention], {attention: trained model on the CPU}).
    """
    threads = torch.get_num_threads()
    # One thread by default: the convolutions here are too small for a second thread to pay, and on
    # a machine shared with other work, threads that wait for each other at every operation made
    # each step several times slower than one thread alone.
    torch.set_num_threads(config.threads)
    try:
        train, test = study_data(config, seed)
        results = [train_one(attention, seed, train, test, config, modules) for attention in config.attentions]
    finally:
        torch.set_num_threads(threads)
    return [run for run, _ in results], {run.attention: model for run, model in results}


# Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom.
T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)


def paired_interval(differences: list) -> tuple:
    """Mean and 95% confidence interval of paired differences d_s (one per seed):

        mean(d) +- t_{0.975, n-1} * sd(d) / sqrt(n)        (nan bounds for fewer than two seeds)
    """
    n = len(differences)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = statistics.fmean(differences)
    if n < 2:
        return mean, float("nan"), float("nan")
    t = T_975[n - 2] if n - 1 <= len(T_975) else 1.96
    half = t * statistics.stdev(differences) / n**0.5
    return mean, mean - half, mean + half


def summarize(runs: list) -> list:
    """One row per attention: parameters, accuracy mean and spread, paired difference from no attention
    with its 95% confidence interval."""
    final = {(r.attention, r.seed): r.test_accuracy[-1] for r in runs}
    params = {r.attention: r.parameters for r in runs}
    rows = []
    for attention in dict.fromkeys(r.attention for r in runs):
        seeds = [r.seed for r in runs if r.attention == attention]
        accs = [final[attention, s] for s in seeds]
        diffs = [final[attention, s] - final["none", s] for s in seeds if ("none", s) in final]
        rows.append(
            {
                "attention": attention,
                "parameters": params[attention],
                "added_parameters": params[attention] - params.get("none", params[attention]),
                "seeds": len(accs),
                "accuracy_mean": statistics.fmean(accs),
                "accuracy_std": statistics.stdev(accs) if len(accs) > 1 else 0.0,
                "accuracy_min": min(accs),
                "accuracy_max": max(accs),
                "difference_from_none_mean": statistics.fmean(diffs) if diffs else float("nan"),
                "difference_from_none_min": min(diffs) if diffs else float("nan"),
                "difference_from_none_max": max(diffs) if diffs else float("nan"),
                "difference_from_none_low": paired_interval(diffs)[1],
                "difference_from_none_high": paired_interval(diffs)[2],
                "seconds_per_run": statistics.fmean(r.seconds for r in runs if r.attention == attention),
            }
        )
    return rows


def save(out: Path, config: StudyConfig, runs: list, rows: list, figures: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    document = {"config": asdict(config), "summary": rows, "runs": [asdict(r) for r in runs]}
    (out / "results.json").write_text(json.dumps(document, indent=2))
    with open(out / "summary.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    for name, figure in figures.items():
        figure.savefig(out / f"{name}.png", dpi=120, bbox_inches="tight")


def format_table(rows: list) -> str:
    lines = [f"{'attention':>9} {'params':>7} {'added':>6} {'accuracy (mean ± sd)':>21} {'vs none (min..max)':>22}"]
    for r in rows:
        lines.append(
            f"{r['attention']:>9} {r['parameters']:>7,} {r['added_parameters']:>6,} "
            f"{100 * r['accuracy_mean']:>13.1f} ± {100 * r['accuracy_std']:.1f} "
            f"{100 * r['difference_from_none_mean']:>+8.1f} "
            f"({100 * r['difference_from_none_min']:+.1f}..{100 * r['difference_from_none_max']:+.1f})"
        )
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m experiments.study", description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="book", help="the starting configuration")
    parser.add_argument("--seeds", type=int, help="number of seeds (each trains every module once)")
    parser.add_argument("--epochs", type=int, help="training epochs per run")
    parser.add_argument("--canvas", type=int, help="canvas side in pixels (at least 8)")
    parser.add_argument("--train-images", type=int, help="training canvases per seed")
    parser.add_argument("--test-images", type=int, help="test canvases per seed")
    parser.add_argument("--learning-rate", type=float, help="peak learning rate of the one-cycle schedule")
    parser.add_argument("--gate-gain", action="store_true", default=None,
                        help="rescale each module's output by 2 per gate stage, so gates start at 1, not 0.5")
    parser.add_argument("--processes", type=int, help="seeds trained at once, each in its own process (CPU)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda")
    parser.add_argument("--out", type=Path, default=Path("study-results"), help="folder for results and figures")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)
    overrides = {
        name: value
        for name, value in vars(args).items()
        if name in StudyConfig.__dataclass_fields__ and value is not None
    }
    for name in ("seeds", "epochs", "train_images", "test_images", "learning_rate", "processes"):
        if overrides.get(name, 1) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    if overrides.get("canvas", 8) < 8:
        parser.error("--canvas must be at least 8 (a digit is 8 x 8)")
    try:
        config = replace(PRESETS[args.preset], **overrides)
        config = replace(config, device=resolve_device(config.device))
    except ValueError as error:
        parser.error(str(error))
    from .study_figures import all_figures  # matplotlib only when figures are made

    start, cpu_start = time.perf_counter(), cpu_time()
    runs, models, test = run_study(config, progress=not args.no_progress)
    rows = summarize(runs)
    save(args.out, config, runs, rows, all_figures(runs, rows, models, test))
    print(format_table(rows))
    print(f"{len(runs)} runs in {time.perf_counter() - start:.0f} s ({cpu_time() - cpu_start:.0f} s of processor time) "
          f"on {config.device}; results in {args.out}/")


if __name__ == "__main__":
    main()
