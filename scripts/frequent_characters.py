"""Write src/digest/normalize/data/frequent_characters.txt from the installed jieba's dictionary.

Run after upgrading jieba: `.venv/bin/python scripts/frequent_characters.py`. A test checks the file against
jieba, so a stale copy fails there.
"""

from __future__ import annotations

from importlib import resources

from digest.normalize import mojibake

if __name__ == "__main__":
    target = resources.files(mojibake.__package__).joinpath(mojibake.FREQUENT_FILE)
    with resources.as_file(target) as path:
        path.write_text(mojibake.frequent_characters_file(), encoding="utf-8")
        print(f"wrote {path}")
