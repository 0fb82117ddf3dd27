"""A plain HTML table for the book's executed cells (myst-nb renders HTML outputs as they are)."""
from html import escape

from IPython.display import HTML


def html_table(header, rows, caption: str = "") -> HTML:
    """header: column titles; rows: lists of cells (already formatted as text)."""
    head = "".join(f"<th>{escape(str(cell))}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    return HTML(f'<table class="table">{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
