"""The routes x roles matrix: each feature lists its routes and who may use them.

Every module in this package defines `CASES: list[Case]`. `test_route_matrix` walks every route the
app registers and fails when one has no case, so a new route must be added here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy.orm import Session

ROLES = ("anonymous", "partner", "contributor", "staff", "admin")
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
STAFF = frozenset({"staff", "admin"})
ADMIN = frozenset({"admin"})
CONTRIBUTORS = frozenset({"contributor", "staff", "admin"})


@dataclass(frozen=True)
class Case:
    """`url` is a path, or a function building one (creating what it needs) from a session."""

    rule: str
    method: str
    allowed: frozenset[str]
    url: str | Callable[[Session, Flask], str]
    data: dict[str, str] = field(default_factory=dict)
