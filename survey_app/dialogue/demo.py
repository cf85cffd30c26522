"""Demo data of the dialogue feature, added by `flask seed-demo`."""

from collections.abc import Iterator


def seed() -> Iterator[str]:
    """Add the feature's demo data; running it again adds nothing."""
    yield from ()
