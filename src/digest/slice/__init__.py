"""Slice: each normalized report cut into front matter, sections and paragraphs, tagged with themes and figures."""
