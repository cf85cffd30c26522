"""The users list: the users of a scope, found by name, username or unit, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from survey_app.extensions import db
from survey_app.models import Unit, User
from survey_app.org.browse import fold
from survey_app.org.services import subtree_ids_query

PAGE_SIZE = 50
MAX_QUERY = 100


@dataclass(frozen=True)
class UserPage:
    """One page of a user listing."""

    items: list[User]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def find_users(root_id: int | None, query: str = "", *, page: int = 1) -> UserPage:
    """Users of the subtree (everyone when root_id is None) whose username, full name or unit's name or
    code holds every word of the query, ignoring case and Vietnamese accents; ordered by unit, username.

    Matching happens in Python: accent-insensitive comparison needs the folded text, and a scope holds
    hundreds of users, not millions.
    """
    statement = select(User).join(User.unit).options(joinedload(User.unit)).order_by(Unit.name, User.username)
    if root_id is not None:
        statement = statement.where(User.unit_id.in_(subtree_ids_query(root_id)))
    users = list(db.session.scalars(statement))
    words = fold(query[:MAX_QUERY]).split()
    if words:
        users = [user for user in users if all(word in _haystack(user) for word in words)]
    pages = max(1, -(-len(users) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return UserPage(users[start : start + PAGE_SIZE], page, pages, len(users))


def _haystack(user: User) -> str:
    """The folded text a user is found by."""
    return fold(f"{user.username} {user.full_name} {user.unit.name} {user.unit.code}")
