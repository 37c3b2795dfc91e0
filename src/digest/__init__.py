"""A bilingual comparative digest of Chinese public-security work reports."""

__version__ = "0.1.0"
