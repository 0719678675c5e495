"""Addresses shown as a reader reads them: Korean or Arabic letters in a source's URL as
letters (the printed handout ran them to ten lines of %-escapes), and nothing that could
disguise where a link goes."""

import pytest

from layers.data.load import load_atlas
from layers.render.html import source_citation
from layers.render.words import readable_url

DAILYNK = (
    "https://www.dailynk.com/%eb%b0%b1%eb%82%a8%ec%88%9c-%ec%8b%9c%eb%a6%ac%ec%95%84%ec%99%80-"
    "%ea%b4%80%ea%b3%84-%ed%99%95%eb%8c%80/"
)


def test_encoded_letters_show_as_letters():
    assert readable_url(DAILYNK) == "https://www.dailynk.com/백남순-시리아와-관계-확대/"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a%2Fb?q=%26x#%25",  # ASCII escapes keep their meaning
        "https://example.org/%E2%80%AEfdp.exe",  # right-to-left override: disguises the end
        "https://example.org/%E2%80%8Bx",  # zero-width space
        "https://example.org/%C2%A0x",  # a space that looks like none
        "https://example.org/%ff%fe",  # not UTF-8
        "https://example.org/%d8%a7%E2%80%AE",  # a letter beside a hidden character
        "https://example.org/plain",
    ],
)
def test_anything_else_shows_as_written(url):
    assert readable_url(url) == url


def test_the_link_keeps_the_address_and_shows_the_letters():
    atlas = load_atlas()
    html = source_citation(atlas.sources["yonhap-dailynk-1966-relations"])
    assert f'href="{DAILYNK}"' in html
    assert ">https://www.dailynk.com/백남순-시리아와-관계-확대/</a>" in html
