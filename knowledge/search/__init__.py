"""Search of knowledge products: the engine (``engine/``) and the glue that puts it in the portal.

``engine`` is the only code importing Whoosh and knows nothing of Flask or the database. Beside
it: ``current`` (the app's index), ``indexer`` (outbox rows to the index), ``updates`` (indexing
after commits), ``requests`` (reading a search and checking its hits), ``views`` (the API and the
page's facets), ``cli`` (the ``index`` and ``reindex`` commands) and ``wiring``, whose
``init_app`` registers them all; ``knowledge.init_app`` calls it. Nothing is imported here, so
that importing the engine never drags in the glue, the database or the views.

Engine: Whoosh from the ``whoosh-reloaded`` distribution, pinned at exactly 2.7.5. It continued
Matt Chaput's Whoosh 2.7 (same BSD licence, package name and API) and has itself been declared
unmaintained since 2025: the project is frozen and no further release is expected, hence the
exact pin. The portal relies only on the stable 2.7 API and carries its own workaround for the
known ``Searcher.refresh`` problem (a refreshed reader keeps replaced and deleted documents; the
index reopens its searcher instead, see ``engine.index``). Not the original ``Whoosh`` 2.7.4
(unmaintained since 2016, warns on current Pythons) nor ``whoosh3`` (one automated maintainer
releasing at a pace nobody reviews). The reasons and the way to another engine are in
``docs/search-engine.md``.
"""
