"""Ablations of the study: each changes one thing of the book's preset, to see what moves the gap.

    gate gain      each module's output times 2 per gate stage (gates start at an effective 1)
    peak lr / 3    the one-cycle schedule's peak learning rate divided by three
    2x epochs      twice the steps, on the same canvases
    2x data        twice the training canvases (and so twice the steps)

Every variant trains the plain network and the arms below on the same seeds, canvases and
batch order as the preset itself, so each variant has its own paired differences from no
attention. Too slow for the book's build, so it runs once, by hand, and the chapter reads
what it wrote:

    python -m experiments.ablations                       # every variant, one after the other
    python -m experiments.ablations --only "gate gain"    # one variant (run several at once on several cores)

Each variant is written to its own file in experiments/results/ablations/ as soon as it is done.
"""
import argparse
import json
import os
import platform
import shlex
import sys
import time
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

import torch

from .study import PRESETS, StudyConfig, cpu_time, run_study, summarize

ARMS = ("none", "se", "cbam")
RESULTS = Path(__file__).resolve().parent / "results" / "ablations"


def variants(base: StudyConfig) -> dict:
    """Each ablation's name and the one change it makes to `base`."""
    return {
        "preset": {},
        "gate gain": {"gate_gain": True},
        "peak lr / 3": {"learning_rate": base.learning_rate / 3},
        "2x epochs": {"epochs": 2 * base.epochs},
        "2x data": {"train_images": 2 * base.train_images},
    }


def slug(name: str) -> str:
    """The file name of a variant: "peak lr / 3" -> "peak-lr-3"."""
    return "-".join("".join(c if c.isalnum() else " " for c in name).split())


def load(folder: Path = RESULTS) -> list:
    """The saved variants, in the order of variants(), each with its command, date and machine."""
    documents = {d["variant"]["name"]: d for d in (json.loads(p.read_text()) for p in sorted(folder.glob("*.json")))}
    order = list(variants(StudyConfig()))
    return [documents[name] for name in sorted(documents, key=lambda n: order.index(n) if n in order else len(order))]


def machine() -> dict:
    """What ran the ablations, so a reader can weigh the seconds."""
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__}


def run_ablations(base: StudyConfig, names=None, arms=ARMS, progress: bool = False, done=None) -> list:
    """One record per variant: its changes, the summary rows of its arms, and every run's final accuracy.

    done: called with the records so far after each variant (to save them as they come).
    """
    base = replace(base, attentions=tuple(arms))
    records = []
    for name, changes in variants(base).items():
        if names is not None and name not in names:
            continue
        start, cpu = time.perf_counter(), cpu_time()
        runs = run_study(replace(base, **changes), progress=progress)[0]
        records.append({
            "name": name,
            "changes": changes,
            "summary": summarize(runs),
            "final_accuracy": {f"{r.attention}/{r.seed}": r.test_accuracy[-1] for r in runs},
            "seconds": time.perf_counter() - start,
            "cpu_seconds": cpu_time() - cpu,  # this process and its workers
        })
        print(f"{name}: {records[-1]['seconds']:.0f} s", file=sys.stderr, flush=True)
        if done is not None:
            done(records)
    return records


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m experiments.ablations", description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="book", help="the configuration to vary")
    parser.add_argument("--seeds", type=int, help="seeds per variant (default: the preset's)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these variants")
    parser.add_argument("--out", type=Path, default=RESULTS, help="the folder for the variants' JSON files")
    args = parser.parse_args(argv)
    base = PRESETS[args.preset] if args.seeds is None else replace(PRESETS[args.preset], seeds=args.seeds)
    known = variants(base)
    unknown = sorted(set(args.only or ()) - set(known))
    if unknown:
        parser.error(f"no variant named {', '.join(unknown)}; choose from: {', '.join(known)}")
    if args.seeds is not None and args.seeds < 2:
        parser.error("--seeds must be at least 2 (an interval needs two paired differences)")
    command = "python -m experiments.ablations " + shlex.join(argv if argv is not None else sys.argv[1:])
    started = datetime.now(timezone.utc)

    def save(records: list) -> None:  # each variant as it finishes, so an interrupted run keeps what it did
        document = {
            "command": command.strip(),
            "started": started.isoformat(timespec="seconds"),
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine(),
            "preset": args.preset,
            "base": asdict(replace(base, attentions=ARMS)),
            "variant": records[-1],
        }
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{slug(records[-1]['name'])}.json").write_text(json.dumps(document, indent=1) + "\n")

    records = run_ablations(base, names=args.only, done=save)
    print(f"{len(records)} variants in {sum(r['seconds'] for r in records):.0f} s; written to {args.out}/")

if __name__ == "__main__":
    main()
