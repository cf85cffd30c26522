"""Carry Vietnamese translations between the catalogs after `pybabel update` (make extract-messages).

Each feature extracts its own catalog, so a string that moves between features (a label moved to another
package) leaves its translation behind as an obsolete entry of the old catalog and arrives untranslated
in the new one. This fills every untranslated entry from the catalog that has it (active or obsolete,
never fuzzy; tests/foundation/test_i18n.py keeps one translation per msgid) and drops obsolete entries,
so that only new strings are left to translate.

Usage: python tools/carry_translations.py DIR [DIR ...]   (catalog directories holding vi/LC_MESSAGES)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _po(directory: Path) -> Path:
    return directory / "vi" / "LC_MESSAGES" / "messages.po"


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(message.id) and all(strings) and not message.fuzzy


def carry(directories: list[Path]) -> int:
    """Fill and tidy the catalogs in place; the number of entries filled."""
    catalogs = {}
    for directory in directories:
        with _po(directory).open("rb") as handle:
            catalogs[directory] = read_po(handle)
    known = {}
    for catalog in catalogs.values():
        for message in [*catalog, *catalog.obsolete.values()]:
            if _translated(message):
                known.setdefault(message.id, message.string)
    filled = 0
    for directory, catalog in catalogs.items():
        for message in catalog:
            if message.id and not _translated(message) and message.id in known:
                message.string = known[message.id]
                message.flags.discard("fuzzy")
                filled += 1
        catalog.obsolete.clear()
        with _po(directory).open("wb") as handle:
            write_po(handle, catalog, width=76, sort_output=True, include_lineno=False)
    return filled


if __name__ == "__main__":
    count = carry([Path(arg) for arg in sys.argv[1:]])
    print(f"{count} translation(s) carried between catalogs")
