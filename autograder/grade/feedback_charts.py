"""Inline SVG charts for the pages (no script, no external file): a histogram and stacked bars.

Every number drawn is also written as text (a <title> on each bar, a label beside it), so a
chart reads without colour and in a text-only browser.
"""
import math

from .feedback_html import esc

STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#c62828", "error": "#b45309", "timeout": "#7b3fb0",
                  "missing": "#9ca3af"}


def bins_for(maximum: float) -> list:
    """[(low, high)] covering 0..maximum: one bin per point up to 20 points, else about 10 even bins."""
    maximum = max(float(maximum), 1.0)
    width = 1.0 if maximum <= 20 else math.ceil(maximum / 10)
    edges, low = [], 0.0
    while low <= maximum:
        edges.append((low, low + width))
        low += width
    return edges


def histogram(totals: list, maximum: float) -> str:
    """Students per band of total points, as an SVG bar chart (x: points, y: students)."""
    bins = bins_for(maximum)
    counts = [sum(1 for t in totals if low <= t < high or (high > maximum and low <= t)) for low, high in bins]
    peak = max(counts + [1])
    width, height, left, bottom, top = 420, 200, 30, 36, 12
    step = (width - left - 6) / len(bins)
    bars, labels = [], []
    for i, ((low, high), count) in enumerate(zip(bins, counts)):
        h = (height - bottom - top) * count / peak
        x = left + i * step
        band = f"{low:g}" if high - low == 1 else f"{low:g}–{min(high, maximum + 1) - 1:g}"
        bars.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - h:.1f}" width="{step - 2:.1f}" height="{h:.1f}" '
                    f'fill="#0b57a4"><title>{esc(band)} points: {count} student{"s" * (count != 1)}</title></rect>')
        if count:
            bars.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom - h - 2:.1f}" text-anchor="middle" '
                        f'font-size="11">{count}</text>')
        if len(bins) <= 12 or i % 2 == 0:
            labels.append(f'<text x="{x + step / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                          f'font-size="11">{esc(band)}</text>')
    axis = (f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" stroke="#52606d"/>'
            f'<text x="{(left + width) / 2:.0f}" y="{height - 4}" text-anchor="middle" font-size="12">'
            'total points</text>'
            f'<text x="10" y="{(height - bottom) / 2:.0f}" font-size="12" text-anchor="middle" '
            f'transform="rotate(-90 10 {(height - bottom) / 2:.0f})">students</text>')
    return (f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-label="histogram of total points" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif">'
            f'{axis}{"".join(bars)}{"".join(labels)}</svg>')


def stacked_bar(counts: dict, label: str) -> str:
    """One horizontal bar split by status (passed first), scaled to the number of students."""
    total = sum(counts.values()) or 1
    x, parts = 0.0, []
    for status, colour in STATUS_COLOURS.items():
        n = counts.get(status, 0)
        if not n:
            continue
        w = 100 * n / total
        parts.append(f'<rect x="{x:.3f}" y="0" width="{w:.3f}" height="10" fill="{colour}">'
                     f'<title>{esc(label)}: {n} {status}</title></rect>')
        x += w
    return (f'<svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="{esc(label)}" '
            f'xmlns="http://www.w3.org/2000/svg"><rect width="100" height="10" fill="#eef0f2"/>{"".join(parts)}</svg>')


def legend() -> str:
    return '<div class="legend">' + "".join(
        f'<span><span class="swatch" style="background:{colour}"></span>{status}</span>'
        for status, colour in STATUS_COLOURS.items()) + "</div>"
