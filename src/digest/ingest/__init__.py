"""Ingest: the report collection (raw files and their sidecars) and decoding raw bytes into text."""
