"""Publish: MkDocs into build/site (atomically), its hooks, and the search index."""
