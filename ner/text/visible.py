"""What no reader sees in a text, and values without it.

One definition for every stage: `ner/extract.py` takes these characters out of the text before it is
tagged (keeping the way back to the original offsets), the facts' values lose them when a fact is made
(`ner/rules/facts.py`), and the graph keys its nodes on visible names (`graph/build.py`).
"""

from __future__ import annotations

import re

# Characters no reader sees but every program compares: format characters (Unicode Cf: zero-width
# spaces and joiners, bidi embeddings, overrides and isolates, U+FEFF, soft hyphen, tags), controls
# that are not whitespace (ESC, BS, DEL, C1 such as U+009B CSI), lone surrogates and noncharacters.
# Left in, `王\u200b杰` is a second 王杰 and a name printed by `zhkg query` can reset the terminal.
# The ranges are Unicode 15's Cf; tests/test_security_facts.py checks them against the running Python.
_FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
           "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(1, 17))
_CONTROLS = "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff"
_WHITE_CONTROLS = "\t\n\x0b\x0c\r\x1c-\x1f\x85"
# What the text loses before it is tagged (whitespace controls stay: they still part sentences) ...
INVISIBLE = re.compile(f"[{_FORMAT}{_NONCHARACTERS}{_CONTROLS}]+")
# ... and what a value (a person, role, unit or city) loses: those and every other control too.
_NOT_IN_VALUES = re.compile(f"[{_FORMAT}{_NONCHARACTERS}{_CONTROLS}{_WHITE_CONTROLS}]+")


def visible(value: str) -> str:
    """`value` without the characters above; offsets into the text are left as they were, so the
    original text sliced by a fact's offsets is its value once those characters are taken out."""
    return _NOT_IN_VALUES.sub("", value)
