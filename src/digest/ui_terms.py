"""Interface words that templates translate from data values (`_(report.genre)`), marked for extraction.

`pybabel extract` cannot see a value that arrives from data, so each possible value is listed here once.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


# Data value → English label (the msgid that the Chinese catalogs translate).
LABELS = {
    "news-report": N_("news report"),
    "news-feature": N_("news feature"),
    "work-review": N_("work review"),
    "annual-summary": N_("annual summary"),
    "journal-article": N_("journal article"),
    "press-conference": N_("press conference"),
    "government-report": N_("government report"),
    "unknown": N_("unknown"),
    "published": N_("published"),
    "period-covered": N_("period covered"),
    "written": N_("date written"),
    "editor": N_("editor"),
    "retrieved": N_("page fetched"),
    "site": N_("website"),
    "account": N_("social-media account"),
    "index_number": N_("index number"),
    "disclosure": N_("disclosure"),
    "issuing_body": N_("issuing body"),
    "date_written": N_("date written"),
    "subject": N_("subject category"),
    "document_number": N_("document number"),
    "title": N_("title"),
    "series": N_("series"),
    "byline": N_("byline"),
    "reporter": N_("reporter"),
    "correspondent": N_("correspondent"),
    "author": N_("author"),
    "agency": N_("news agency"),
    "place": N_("dateline place"),
    "newspaper": N_("newspaper"),
    "edition": N_("edition"),
    "source": N_("source"),
    "reviewer": N_("reviewed by"),
    "date": N_("date"),
    "updated": N_("updated"),
    "url": N_("URL"),
    "keywords": N_("keywords"),
    "doi": N_("DOI"),
    "received": N_("date received"),
    "highlight": N_("highlight"),
    "approved": N_("approved"),
    "proposed": N_("proposed"),
    "deprecated": N_("deprecated"),
    "preferred": N_("preferred"),
    "admitted": N_("admitted"),
    "fullForm": N_("full form"),
    "variant": N_("variant"),
    "abbreviation": N_("abbreviation"),
    "shortForm": N_("short form"),
    "formula": N_("numeric formula"),
}
