"""Safe text and the page shell shared by the students' feedback pages and the class page.

Everything a page shows from a record is hostile text (ids, display names, messages quoting
a student's errors): `clean` caps it and makes terminal escapes and invisible characters
visible, `esc` HTML-escapes it. No page holds a script: a Content-Security-Policy forbids
scripts and every request to another origin, so a page is readable offline and inert even
if some text slipped through unescaped.
"""
import math
import re
import reprlib
from html import escape

ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
# control characters (but tab and newline), bidirectional overrides and lone surrogates
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")
SHORT = reprlib.Repr()
SHORT.maxlevel, SHORT.maxlist, SHORT.maxdict, SHORT.maxstring, SHORT.maxother = 3, 20, 20, 300, 300
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

CSS = """
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2329;background:#fff;
 max-width:62rem;margin:0 auto;padding:1rem;overflow-wrap:break-word}
h1{font-size:1.6rem;margin:.2em 0}h2{font-size:1.3rem;margin-top:2rem;border-bottom:2px solid #e3e7eb}
h3{font-size:1.1rem;margin:0}
a{color:#0b57a4}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.88rem}
pre{background:#f5f7f9;border:1px solid #dde3e8;border-radius:4px;padding:.5rem .6rem;margin:.25rem 0;
 white-space:pre-wrap;overflow-wrap:anywhere;max-width:100%}
pre.code{white-space:pre;overflow-x:auto;overflow-wrap:normal}
.score{font-weight:600;white-space:nowrap}
.badge{display:inline-block;border-radius:3px;padding:0 .45em;font-size:.85rem;font-weight:600;color:#fff;
 white-space:nowrap}
.passed{background:#1a7f37}.failed{background:#c62828}.error{background:#b45309}.timeout{background:#7b3fb0}
.missing{background:#6b7280}
.card{border:1px solid #dde3e8;border-left:5px solid #6b7280;border-radius:4px;padding:.7rem .9rem;margin:1rem 0}
.card.status-passed{border-left-color:#1a7f37}.card.status-failed{border-left-color:#c62828}
.card.status-error{border-left-color:#b45309}.card.status-timeout{border-left-color:#7b3fb0}
.card-head{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:baseline;justify-content:space-between}
.check{border-top:1px dashed #dde3e8;padding-top:.5rem;margin-top:.6rem}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.5rem}
.pair>div{min-width:0}
.label{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:#52606d;margin:.3rem 0 0}
.mistake{background:#fff4e5;border:1px solid #f0b46a;border-radius:4px;padding:.4rem .6rem;margin:.4rem 0}
.start{background:#eef5fc;border:1px solid #b6d3f2;border-radius:4px;padding:.6rem 1rem}
.start li{margin:.3rem 0}
.muted{color:#52606d;font-size:.9rem}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
details{margin:.5rem 0}summary{cursor:pointer;color:#0b57a4}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #dde3e8;padding:.3rem .4rem;
 text-align:left;vertical-align:top}
.table-wrap{max-width:100%;overflow-x:auto}
figure{margin:1rem 0}figcaption{color:#52606d;font-size:.9rem}
svg{max-width:100%;height:auto;display:block}
.bar-row{display:grid;grid-template-columns:minmax(8rem,max-content) minmax(8rem,1fr) minmax(12rem,max-content);
 grid-template-areas:"label bar text";gap:.3rem .7rem;align-items:center;margin:.3rem 0}
.bar-row>code{grid-area:label}.bar-row>svg{grid-area:bar;width:100%;height:1.1rem}.bar-row>span{grid-area:text}
figure svg{width:100%;max-width:36rem}
.legend{display:flex;flex-wrap:wrap;gap:.2rem .9rem;font-size:.85rem;margin:.4rem 0}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
ol.plain,ul.plain{padding-left:1.2rem}ol.plain li,ul.plain li{margin:.4rem 0}
@media (max-width:40rem){body{padding:.6rem}
 .bar-row{grid-template-columns:max-content 1fr;grid-template-areas:"label text" "bar bar";margin:.6rem 0}}
"""


def clean(value, limit: int) -> str:
    """`value` as text of at most `limit` characters (and a note of how much was cut), with terminal
    escapes removed and invisible or control characters shown as \\xNN / \\uNNNN."""
    text = value if isinstance(value, str) else SHORT.repr(value)  # bounded even for a huge nested value
    text = text[: 4 * limit + 1000]  # bound the work on huge input before the regular expressions
    text = ANSI.sub("", text)
    text = INVISIBLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}", text)
    if len(text) > limit:
        text = text[:limit] + f" … ({len(text) - limit} more characters cut)"
    return text


def esc(value, limit: int = 20_000) -> str:
    """Cleaned and HTML-escaped, ready to go between tags or in a quoted attribute."""
    return escape(clean(value, limit), quote=True)


def number(value) -> float | None:
    """A finite float from a record, or None (NaN, infinities and non-numbers are not numbers to show)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def points(value) -> str:
    value = number(value)
    return "?" if value is None else f"{value:g}"


def safe_url(url: str) -> str:
    """Only https links and links within the results folder (relative, no scheme) reach a page."""
    if url.startswith("https://") or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) and not url.startswith("//"):
        return escape(url, quote=True)
    raise ValueError(f"refusing the link {url!r}")


def document(title: str, body: str) -> str:
    """A whole self-contained page: no script, no request to any other place."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            f"<title>{title}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n")
