"""The glossary: entries, their checks, term matching in running text, and exchange with translators' tools."""
