"""Browsing the unit tree: a nested tree of a scope, and accent-insensitive search with each match's path."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from survey_app.models import Unit
from survey_app.org.services import units_in_subtree

MAX_MATCHES = 200  # a search that matches more asks for a narrower term
MAX_QUERY = 100


def fold(text: str) -> str:
    """Lower-case text without Vietnamese diacritics, so "phuong buoi" finds "Phường Bưởi".

    NFD splits each accented letter into its base and combining marks, which are dropped; đ/Đ is a
    letter of its own in Unicode (no decomposition), so it is mapped to d by hand.
    """
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("đ", "d").split())


@dataclass
class TreeNode:
    """A unit with its sub-units, for the nested tree page."""

    unit: Unit
    children: list[TreeNode] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many units lie below this one."""
        return sum(1 + child.size for child in self.children)


@dataclass(frozen=True)
class Match:
    """A unit found by a search, with the names of the units above it in the scope."""

    unit: Unit
    path: list[str]


def unit_tree(root_id: int | None) -> list[TreeNode]:
    """The scope's units as nested nodes (the scope's top units first), children ordered by name."""
    units = units_in_subtree(root_id)
    nodes = {unit.id: TreeNode(unit) for unit in units}
    roots: list[TreeNode] = []
    for unit in units:  # already ordered by name, so children are too
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[unit.id])
    return roots


def search_units(root_id: int | None, query: str) -> tuple[list[Match], bool]:
    """Units of the scope whose name or code holds every word of the query, ignoring case and accents.

    Returns the matches (at most MAX_MATCHES, in tree order) and whether more were left out.
    """
    words = fold(query[:MAX_QUERY]).split()
    if not words:
        return [], False
    units = units_in_subtree(root_id)
    by_id = {unit.id: unit for unit in units}
    found: list[Match] = []
    for unit in units:
        haystack = fold(f"{unit.name} {unit.code}")
        if all(word in haystack for word in words):
            found.append(Match(unit, _path(unit, by_id)))
    found.sort(key=lambda m: ([fold(name) for name in m.path], fold(m.unit.name)))
    return found[:MAX_MATCHES], len(found) > MAX_MATCHES


def _path(unit: Unit, by_id: dict[int, Unit]) -> list[str]:
    """Names of the units above `unit`, from the top of the scope down."""
    names: list[str] = []
    parent_id = unit.parent_id
    while parent_id in by_id:
        parent = by_id[parent_id]
        names.append(parent.name)
        parent_id = parent.parent_id
    return names[::-1]
