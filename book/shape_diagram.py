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
