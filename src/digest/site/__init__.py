"""The site's pages: view models and Jinja2 templates turned into Markdown for MkDocs, in three languages.

`digest.site.pages.plan` lists every page of every language with what it is made from; the memo layer then
renders only those whose inputs changed (or whose file is gone). Page kinds are modules in `kinds/`.
"""
