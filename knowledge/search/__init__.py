"""Search of knowledge products: the engine (``engine/``) and the glue that puts it in the portal.

``engine`` is the only code importing Whoosh and knows nothing of Flask or the database. Beside
it: ``current`` (the app's index), ``indexer`` (outbox rows to the index), ``updates`` (indexing
after commits), ``requests`` (reading a search and checking its hits), ``views`` (the API and the
page's facets), ``cli`` (the ``index`` and ``reindex`` commands) and ``wiring``, whose
``init_app`` registers them all; ``knowledge.init_app`` calls it. Nothing is imported here, so
that importing the engine never drags in the glue, the database or the views.
"""
