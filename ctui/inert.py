"""Log text made inert for display: one escaper, one visible form, for the TUI, the CLI and messages.

Log values are attacker-controlled. A character that acts on the terminal or on how the line reads
is shown as a visible escape instead of being sent:
- C0 controls (ESC, BEL, CR, LF, TAB ...), DEL and C1 controls (U+0080-009F, CSI included);
- bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E/F, U+202A-202E,
  U+2066-2069: "Trojan Source" reordering);
- zero-width characters (U+200B-200D, U+2060, U+FEFF) and the line/paragraph separators U+2028/2029.
The form is `\\xNN` below U+0100 and `\\uNNNN` above, everywhere (grid, detail, copies, CLI table,
CLI errors): a newline reads `\\x0a` in the TUI and in the terminal alike (the whole-value view
alone shows line feeds as line breaks: `ctui.tui.screens.value`).

JSON output keeps its own valid form (`json_text`: `\\uNNNN`), and CSV files neutralise spreadsheet
formulas (`csv_cell`).

>>> escape("evil\\x1b]0;title\\x07 \\u202etxt.exe\\u200b")
'evil\\\\x1b]0;title\\\\x07 \\\\u202etxt.exe\\\\u200b'
>>> csv_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
"""

from __future__ import annotations

import re

# The characters escaped, as code-point ranges (inclusive).
UNSAFE_RANGES = (
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0x061C, 0x061C),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2060),
    (0x2066, 0x2069),
    (0xFEFF, 0xFEFF),
)
_CLASS = "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in UNSAFE_RANGES)
UNSAFE = re.compile(f"[{_CLASS}]")
# The same set in RE2 syntax, for pyarrow.compute.match_substring_regex.
UNSAFE_RE2 = "[" + "".join(
    f"\\x{{{a:04x}}}" if a == b else f"\\x{{{a:04x}}}-\\x{{{b:04x}}}" for a, b in UNSAFE_RANGES
) + "]"
_TABLE = {
    code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    for low, high in UNSAFE_RANGES
    for code in range(low, high + 1)
}
_NEWLINE_KEPT = {k: v for k, v in _TABLE.items() if k != 0x0A}
_JSON_UNSAFE = re.compile(f"(?![\\t\\n\\r])[{_CLASS}]")  # layout whitespace of indented JSON stays
# A CSV cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape(text: str) -> str:
    """`text` with every unsafe character shown as a visible escape."""
    return text.translate(_TABLE)


def escape_lines(text: str) -> str:
    """Like `escape`, keeping line feeds: for messages ctui builds over several lines."""
    return text.translate(_NEWLINE_KEPT)


def has_unsafe(text: str) -> bool:
    """Whether `escape` would change `text`."""
    return UNSAFE.search(text) is not None


def json_text(text: str) -> str:
    """JSON text (from json.dumps with ensure_ascii=False) with unsafe characters as `\\uNNNN`.

    json.dumps already escapes every C0 control inside strings, so a raw tab, LF or CR is the
    layout of indented JSON and stays; the rest (C1, bidi, zero-width ...) can only be inside
    strings, where `\\uNNNN` means the same: the result is the same JSON, inert on a terminal.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` before it."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
