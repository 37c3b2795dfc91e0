"""The site's page kinds, one module each: its view model, its template, and what its pages are made from.

A page kind is a module with `pages(pages: Pages) -> Iterator[tuple[str, Output]]`; add one to `KINDS` in
`digest.site` to publish it.
"""
