"""The study's figures: learning curves, accuracy against added parameters, CBAM maps, channel weights."""
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F

from .cluttered_digits import DIGIT
from .gates import channel_gates, spatial_maps

COLORS = {"none": "tab:gray", "se": "tab:blue", "eca": "tab:green", "cbam": "tab:red", "cbam-channel": "tab:orange",
          "se x2": "tab:cyan", "cbam x4": "tab:pink"}
LABELS = {"none": "no attention", "se": "SE", "eca": "ECA", "cbam": "CBAM", "cbam-channel": "CBAM, channel stage only",
          "se x2": "SE, output x 2", "cbam x4": "CBAM, output x 4"}


def _by_attention(runs, key):
    grouped = {}
    for run in runs:
        grouped.setdefault(run.attention, []).append(getattr(run, key))
    return {name: np.array(values) for name, values in grouped.items()}  # (seeds, epochs)


def learning_curves(runs):
    """Test accuracy and training loss per epoch: the mean over seeds, shaded from min to max."""
    fig, (acc_ax, loss_ax) = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, key, label in ((acc_ax, "test_accuracy", "test accuracy"), (loss_ax, "train_loss", "training loss")):
        for name, curves in _by_attention(runs, key).items():
            epochs = np.arange(1, curves.shape[1] + 1)
            ax.plot(epochs, curves.mean(0), color=COLORS[name], label=LABELS[name])
            ax.fill_between(epochs, curves.min(0), curves.max(0), color=COLORS[name], alpha=0.15)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    acc_ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def accuracy_vs_parameters(rows, runs):
    """Final test accuracy of every seed (dots) and its mean (bar) against the parameters each module adds."""
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    final = _by_attention(runs, "test_accuracy")
    for row in rows:
        name, added = row["attention"], row["added_parameters"]
        x = max(added, 1)  # log axis: "none" sits at 1
        ax.scatter(np.full(len(final[name]), x), 100 * final[name][:, -1], color=COLORS[name], alpha=0.5, s=18)
        ax.errorbar(x, 100 * row["accuracy_mean"], yerr=100 * row["accuracy_std"], fmt="_", markersize=18,
                    color=COLORS[name], capsize=4, label=f"{LABELS[name]} (+{added:,})")
    ax.set_xscale("log")
    ax.set_xlabel("parameters added to the network (log scale; no attention at 1)")
    ax.set_ylabel("final test accuracy (%)")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def cbam_maps(model, test, count: int = 8):
    """Input canvases, and CBAM's first-block spatial map (upsampled, own colour range); the digit's box outlined."""
    images = test.images[:count]
    maps = spatial_maps(model, images, block=0)  # (count, S/2, S/2)
    size = images.shape[-1]
    upsampled = F.interpolate(maps[:, None], size=(size, size), mode="bilinear", align_corners=False)[:, 0]
    fig, axes = plt.subplots(2, count, figsize=(1.6 * count, 3.7))
    for k in range(count):
        row, col = test.positions[k].tolist()
        axes[0, k].imshow(images[k, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
        axes[0, k].set_title(f"label {test.labels[k].item()}", fontsize=9)
        low, high = maps[k].min().item(), maps[k].max().item()
        axes[1, k].imshow(upsampled[k].numpy(), cmap="inferno", vmin=low, vmax=high)
        axes[1, k].set_title(f"{low:.2f} to {high:.2f}", fontsize=8)
        for ax in axes[:, k]:
            ax.add_patch(plt.Rectangle((col - 0.5, row - 0.5), DIGIT, DIGIT, fill=False, color="tab:cyan", lw=1))
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("input")
    axes[1, 0].set_ylabel("spatial map")
    fig.tight_layout()
    return fig


def class_share(gates: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per channel, the share of the gate's variance explained by the class (eta squared, in [0, 1])."""
    total = gates.var(dim=0, unbiased=False)  # (C,)
    means = torch.stack([gates[labels == c].mean(0) for c in labels.unique()])  # (classes, C)
    counts = torch.stack([(labels == c).sum() for c in labels.unique()]).float()  # (classes,)
    between = (counts[:, None] * (means - gates.mean(0)) ** 2).sum(0) / len(labels)
    return between / total.clamp_min(1e-12)


def channel_weights(models, test, names=("se", "eca"), gates=None):
    """Mean channel weight per class (rows) and channel (columns) in the last block, for SE and ECA.

    gates: {name: channel_gates(models[name], test.images, block=-1)} where already computed.
    """
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 3.4))
    for ax, name in zip(np.atleast_1d(axes), names):
        weights = (gates or {}).get(name)
        if weights is None:
            weights = channel_gates(models[name], test.images, block=-1)  # (N, C)
        means = torch.stack([weights[test.labels == c].mean(0) for c in range(10)])  # (10, C)
        order = means.std(0).argsort(descending=True)
        shown = ax.imshow(means[:, order].numpy(), aspect="auto", cmap="viridis", vmin=0, vmax=1)
        share = class_share(weights, test.labels).median().item()
        ax.set_title(f"{LABELS[name]}: class explains a median {100 * share:.0f}% of a gate's variance", fontsize=9)
        ax.set_xlabel("channel of the last block (sorted by spread across classes)")
        ax.set_ylabel("class")
        ax.set_yticks(range(10))
        fig.colorbar(shown, ax=ax, fraction=0.04)
    fig.tight_layout()
    return fig


def all_figures(runs, rows, models, test) -> dict:
    figures = {
        "learning_curves": learning_curves(runs),
        "accuracy_vs_parameters": accuracy_vs_parameters(rows, runs),
    }
    if "cbam" in models:
        figures["cbam_spatial_maps"] = cbam_maps(models["cbam"], test)
    channel_names = tuple(name for name in ("se", "eca") if name in models)
    if channel_names:
        figures["channel_weights"] = channel_weights(models, test, channel_names)
    return figures


def ablation_intervals(variants: list, arms=("se", "cbam")):
    """Each ablation's paired difference from no attention (points), its 95% interval as a bar, per arm.

    variants: the "variants" records of experiments/ablations.py's JSON.
    """
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(variants) * len(arms) + 1.2))
    names = [v["name"] for v in variants]
    for offset, arm in zip(np.linspace(-0.18, 0.18, len(arms)), arms):
        rows = [next(r for r in v["summary"] if r["attention"] == arm) for v in variants]
        y = np.arange(len(variants)) + offset
        mean = np.array([100 * r["difference_from_none_mean"] for r in rows])
        low = np.array([100 * r["difference_from_none_low"] for r in rows])
        high = np.array([100 * r["difference_from_none_high"] for r in rows])
        ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="o", capsize=3, color=COLORS[arm], label=LABELS[arm])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(np.arange(len(variants)), names)
    ax.invert_yaxis()
    ax.set_xlabel("paired difference from no attention (accuracy points), mean and 95% interval")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="best")
    fig.tight_layout()
    return fig
