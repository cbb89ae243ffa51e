"""Tests of the search engine core (knowledge.search.engine)."""
