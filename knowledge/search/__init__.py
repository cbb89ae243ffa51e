"""Full-text search of knowledge products; the engine in ``engine/`` is the only Whoosh user.

Engine choice: ``Whoosh-Reloaded`` (PyPI ``whoosh-reloaded``), the maintained continuation of
Matt Chaput's original ``Whoosh`` 2.7 under the same BSD licence, package name and API. The
original distribution has had no release since 2016 and warns on current Pythons; the forks
``whoosh3`` and ``whoosh-ng`` are avoided because their provenance is unsettled. It is pure
Python (no service to run), supports per-field analysers, phrase positions, columns for facets
and sorting, and an on-disk format we can swap atomically by generation.

The engine (index, queries, analysis, results) is :mod:`knowledge.search.engine`.

``init_app(app)`` (in :mod:`knowledge.search.portal`) wires the index into the portal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Called by ``knowledge.init_app``; the portal glue is imported only then, so using the
    engine alone never imports Flask."""
    from knowledge.search.portal import init_app as init_portal

    init_portal(app)
