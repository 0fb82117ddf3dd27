"""Shape diagrams for the stage chapters: tensors drawn as boxes, operations as labelled arrows.

A tensor of shape (C, H, W) is drawn as a box whose front face is H high and W wide and
whose depth, going back and to the right, is C; a descriptor (C, 1, 1) is then a thin rod
and a map (1, H, W) a flat tile. The batch axis N is the same everywhere and is only named.
"""
from typing import NamedTuple, Sequence

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, Polygon

DEPTH_SLOPE = 0.55  # how far up the depth axis climbs per unit of depth


class Tensor(NamedTuple):
    """A tensor to draw: its shape as text, its drawn size (depth for C, height for H, width for W), a colour."""

    shape: str
    depth: float
    height: float
    width: float
    colour: str = "#9ecae1"
    note: str = ""


def _box(ax, x: float, t: Tensor) -> float:
    """Draws ``t`` with its front face's lower-left corner at (x, -height / 2); returns its right edge."""
    d, h, w = t.depth * 0.6, t.height, t.width
    dx, dy = d, d * DEPTH_SLOPE
    y = -h / 2 - dy / 2
    front = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    top = [(x, y + h), (x + w, y + h), (x + w + dx, y + h + dy), (x + dx, y + h + dy)]
    side = [(x + w, y), (x + w + dx, y + dy), (x + w + dx, y + h + dy), (x + w, y + h)]
    for face, shade in ((side, 0.75), (top, 0.88), (front, 1.0)):
        ax.add_patch(Polygon(face, closed=True, facecolor=t.colour, edgecolor="#333333",
                             linewidth=0.8, alpha=shade))
    ax.text(x + (w + dx) / 2, -1.55, t.shape, ha="center", va="top", fontsize=10, family="monospace")
    if t.note:
        ax.text(x + (w + dx) / 2, -2.0, t.note, ha="center", va="top", fontsize=9, color="#555555")
    return x + w + dx


def draw_flow(tensors: Sequence[Tensor], operations: Sequence[str], title: str = "", gap: float = 1.9):
    """Tensors left to right, ``operations[i]`` written on the arrow from tensor i to tensor i + 1."""
    if len(operations) != len(tensors) - 1:
        raise ValueError(f"need {len(tensors) - 1} operations for {len(tensors)} tensors, got {len(operations)}")
    fig, ax = plt.subplots(figsize=(min(2.3 * len(tensors) + 1, 13), 2.9))
    x = 0.0
    for i, t in enumerate(tensors):
        right = _box(ax, x, t)
        if i < len(operations):
            ax.add_patch(FancyArrowPatch((right + 0.15, 0), (right + gap - 0.15, 0),
                                         arrowstyle="-|>", mutation_scale=14, color="#333333"))
            ax.text(right + gap / 2, 0.2, operations[i], ha="center", va="bottom", fontsize=9.5,
                    wrap=True)
        x = right + gap
    ax.set_xlim(-0.3, x - gap + 0.3)
    ax.set_ylim(-2.5, 1.9)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig


def draw_cbam_unit():
    """A ResNet bottleneck unit with the whole CBAM module on its residual branch:
    y = relu(x + spatial(channel(R(x)))), each stage drawn with its operations."""
    from matplotlib.patches import FancyBboxPatch

    fig, ax = plt.subplots(figsize=(8.6, 7.4))

    def box(x, y, text, colour, width=2.6):
        ax.add_patch(FancyBboxPatch((x - width / 2, y - 0.26), width, 0.52, boxstyle="round,pad=0.04",
                                    facecolor=colour, edgecolor="#333333"))
        ax.text(x, y, text, ha="center", va="center", fontsize=9)

    def arrow(start, end):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color="#333333"))

    ax.text(0, 9.6, "x  (N, C, H, W)", ha="center", fontsize=10, family="monospace")
    branch = [(8.8, "1×1 conv, BN, ReLU"), (8.0, "3×3 conv, BN, ReLU"), (7.2, "1×1 conv, BN")]
    arrow((0, 9.45), (0, 9.08))
    for (y, text), (below, _) in zip(branch, branch[1:] + [(6.1, "")]):
        box(0, y, text, "#deebf7")
        arrow((0, y - 0.3), (0, below + 0.32 if below != 6.1 else 6.45))
    # channel stage
    ax.add_patch(FancyBboxPatch((-3.9, 4.05), 7.8, 2.35, boxstyle="round,pad=0.05", facecolor="#fff5eb",
                                edgecolor="#e6550d", linestyle="--"))
    ax.text(-3.8, 6.22, "channel stage", fontsize=9, color="#a63603", va="center")
    box(-1.5, 5.75, "avg pool over H, W", "#fdae6b", 2.3)
    box(1.5, 5.75, "max pool over H, W", "#fdae6b", 2.3)
    box(0, 5.0, "shared MLP (C → C/r → C) on each, add, sigmoid: s", "#fd8d3c", 5.6)
    box(0, 4.35, "x̃ = s ⊙ R(x)", "#a1d99b", 2.2)
    arrow((-1.5, 5.47), (-1.0, 5.28))
    arrow((1.5, 5.47), (1.0, 5.28))
    arrow((0, 4.72), (0, 4.63))
    # spatial stage
    ax.add_patch(FancyBboxPatch((-3.9, 1.55), 7.8, 2.25, boxstyle="round,pad=0.05", facecolor="#f2f0f7",
                                edgecolor="#6a51a3", linestyle="--"))
    ax.text(-3.8, 3.62, "spatial stage", fontsize=9, color="#54278f", va="center")
    arrow((0, 4.07), (0, 3.43))
    box(0, 3.15, "max and mean over C, stacked: (N, 2, H, W)", "#dadaeb", 4.6)
    box(0, 2.45, "7×7 conv, sigmoid: m  (N, 1, H, W)", "#bcbddc", 4.6)
    box(0, 1.8, "x̂ = m ⊙ x̃", "#a1d99b", 2.2)
    arrow((0, 2.87), (0, 2.73))
    arrow((0, 2.17), (0, 2.08))
    ax.add_patch(plt.Circle((0, 0.85), 0.22, facecolor="white", edgecolor="#333333"))
    ax.text(0, 0.85, "+", ha="center", va="center", fontsize=14)
    arrow((0, 1.52), (0, 1.08))
    ax.plot([0.3, 4.4, 4.4], [9.55, 9.55, 0.85], color="#333333", lw=1.2)
    arrow((4.4, 0.85), (0.23, 0.85))
    ax.text(4.5, 5.2, "identity (or 1×1 projection)", rotation=90, va="center", fontsize=9, color="#555555")
    arrow((0, 0.62), (0, 0.2))
    ax.text(0, 0.0, "ReLU → y", ha="center", va="top", fontsize=10)
    ax.text(-1.4, 8.0, "residual\nbranch R", ha="right", va="center", fontsize=9, color="#555555")
    ax.set_xlim(-4.2, 5.0)
    ax.set_ylim(-0.5, 9.9)
    ax.axis("off")
    fig.tight_layout()
    return fig
