"""Text the service stores: what may not enter it, one rule for every door.

NUL cannot be stored by PostgreSQL, a lone UTF-16 surrogate cannot be encoded, and the
other C0 control characters (tab and line breaks are text) only hide things from people
reading a record. The GraphQL boundary refuses them before anything runs; the domain
refuses them per item (bulk submissions, file imports), so one bad row stops only itself.
"""

from __future__ import annotations

import re

# C0 controls except tab, line feed and carriage return; DEL; lone surrogates
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a string may not enter the service, or None when it may."""
    bad = _FORBIDDEN.search(value)
    if bad is None:
        return None
    code = ord(bad.group())
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"Text contains {what} (U+{code:04X}) at position {bad.start()}."
