"""Names that come from submissions, made safe: student ids for file names, text for CSV, terminal and HTML.

A student id is ``[A-Za-z0-9._@+-]``, at most 100 characters, never starting with ``.``, ``-``, ``@``, ``+``
nor ending with ``.`` (Windows drops it), never a name Windows reserves for a device (``CON``, ``nul.txt``),
unique in the batch even where the file system ignores case (macOS, Windows: ``Alice`` and ``alice`` would
share a feedback folder); the name the LMS gave is kept beside it as the display name.
"""
import hashlib
import re
import unicodedata

ID_CHARACTERS = re.compile(r"[^A-Za-z0-9._@+-]+")
MAX_ID = 100
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", *(f"{port}{n}" for port in ("COM", "LPT")
                                                                       for n in range(10))}


def readable(name: str) -> str:
    """A name as text: bytes that were not UTF-8 (kept by the file system as surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def safe_id(name: str) -> str:
    """The id for `name`: accents dropped, other characters replaced, shortened with a hash when too long."""
    text = unicodedata.normalize("NFKD", readable(name))
    text = "".join(c for c in text if not unicodedata.combining(c))
    candidate = ID_CHARACTERS.sub("_", text).lstrip("._-@+").rstrip("._")  # no formula or hidden-file start
    if not candidate:
        return f"student-{short_hash(name)}"
    if len(candidate) > MAX_ID:
        candidate = f"{candidate[:MAX_ID - 9].rstrip('._-')}-{short_hash(name)}"
    stem, dot, rest = candidate.partition(".")
    if stem.upper() in WINDOWS_DEVICES:  # "con.txt" is the console on Windows, whatever the extension
        candidate = f"{stem}_{dot}{rest}"
    return candidate


def unique_ids(names: list) -> tuple:
    """(id per name in order, notes): the first name asking for an id gets it; a later one whose id repeats it,
    ignoring case, gets a hash of its own name appended, never an id another name asks for or already has."""
    wanted = [safe_id(name) for name in names]
    first = {}
    for index, student in enumerate(wanted):
        first.setdefault(student.lower(), index)
    ids, taken, notes = [], set(), []
    for index, (name, student) in enumerate(zip(names, wanted)):
        if first[student.lower()] != index:
            count = 0
            while student.lower() in first or student.lower() in taken:
                student = f"{wanted[index][:MAX_ID - 9]}-{short_hash(f'{name}#{count}' if count else name)}"
                count += 1
            notes.append(f"{one_line(readable(name))}: its id would repeat another student's; graded as {student}")
        taken.add(student.lower())
        ids.append(student)
    return ids, notes


def printable(text: str) -> str:
    """`text` with control and format characters (ANSI escapes, bidi overrides, NUL) written as escapes."""
    return "".join(c if c in "\n" or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
                   else f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" for c in str(text))


def one_line(text: str) -> str:
    """`printable`, with newlines escaped too: one entry of the summary stays one line."""
    return printable(str(text)).replace("\n", "\\n")


def spreadsheet_safe(value) -> str:
    """A CSV cell a spreadsheet will not run nor a terminal obey: control characters escaped, and text
    starting like a formula prefixed with a quote (OWASP), spaces before it and full-width forms (＝) included.
    Newlines are escaped too: a row stays one line for tools that read CSV line by line."""
    text = one_line(str(value))
    if unicodedata.normalize("NFKC", text.lstrip(" \u3000")[:1]).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def unquoted(cell: str) -> str:
    """The text of a cell `spreadsheet_safe` wrote, less the quote it added."""
    return cell[1:] if cell.startswith("'") and spreadsheet_safe(cell[1:]) == cell else cell


def shown(name: str, limit: int = 120) -> str:
    """A name for a note: one line, escaped, cut to `limit` characters."""
    text = one_line(repr(readable(name)))
    return text if len(text) <= limit else text[:limit - 1] + "…"
