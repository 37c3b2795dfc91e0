from __future__ import annotations

import os
from pathlib import Path

import pytest

from digest.errors import DigestError
from digest.ingest.decode import decode, detect_script


def test_empty_file_is_an_error_naming_it() -> None:
    with pytest.raises(DigestError, match=r"^empty\.txt: error: the file is empty"):
        decode(b"  \n", Path("empty.txt"))


def test_binary_file_is_an_error() -> None:
    with pytest.raises(DigestError, match="binary"):
        decode(os.urandom(4096), Path("noise.bin"))


def test_mixed_encodings_decoded_line_by_line() -> None:
    data = "第一行用UTF-8。\n".encode() + "第二行用GBK編碼的文字。\n".encode("gbk")
    decoded = decode(data, Path("mixed.txt"))
    assert decoded.encoding == "mixed"
    assert decoded.text == "第一行用UTF-8。\n第二行用GBK編碼的文字。\n"


def test_utf16_without_bom() -> None:
    text = "西安市公安局治安工作综述\n全市110刑事报警数连续4年下降。\n"
    assert decode(text.encode("utf-16-le"), Path("x")).text == text
    assert decode(text.encode("utf-16-be"), Path("x")).text == text


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("西安市公安局治安管理局", "zh-Hans"),
        ("西安市公安局治安管理局集全局民警之智、舉全警之力", "zh-Hant"),
        ("abc", "zh-Hans"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script
