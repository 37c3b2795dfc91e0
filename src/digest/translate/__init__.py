"""Translations: per-report gettext catalogs, strict PO reading, and checks of translations against the glossary."""
