"""Input cleaning: what the pipeline repairs instead of rejecting.

Newsroom systems export what they have: HTML from the CMS, control characters
from copy and paste, Windows line ends. None of that is worth a dead letter, and
all of it hurts the translator (tags become words, a stray NUL breaks
SentencePiece), so `title` and `body` are cleaned *before* validation: a body
that is only markup (`<p> </p>`) is then rightly refused as blank, and mention
offsets in the enriched record point into the text the consumer receives.

HTML is parsed with the standard library's `html.parser` (a tolerant tokenizer,
no extra dependency): block elements become paragraph breaks (`\\n\\n`, the
body's paragraph separator), `<br>` a line break, `<script>`/`<style>` vanish,
entities are unescaped. Text is only treated as HTML when it contains something
that looks like a tag, so "a < b" in plain text stays as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

_HTML_ELEMENTS = (
    "a|abbr|address|article|aside|b|blockquote|body|br|caption|cite|code|dd|del|div|dl|dt|em|"
    "figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|iframe|img|ins|li|main|mark|meta|"
    "nav|noscript|ol|p|picture|pre|q|s|script|section|small|source|span|strong|style|sub|sup|"
    "table|tbody|td|template|th|thead|time|title|tr|u|ul|video"
)
_TAG = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
"""A real HTML element or comment: "druk op <Enter>" in plain text is not markup."""
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
_BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption"}
    | {"figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"}
    | {"nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead", "tr", "ul"}
)
_INVISIBLE_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}
_DROPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\u2060\ufeff]")
"""Unicode's control characters (category Cc is exactly U+0000-U+001F and U+007F-U+009F)
except tab and line feed, plus soft hyphen, zero-width space, word joiner and BOM:
invisible, but they split words."""


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A cleaned text and what was done to it (recorded in the enriched provenance)."""

    text: str
    html_stripped: bool = False
    control_characters_removed: int = 0


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment with paragraph structure."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """True when the text contains an HTML tag or comment (not just a '<' sign)."""
    return _TAG.search(text) is not None


def strip_html(text: str) -> str:
    """Visible text of an HTML fragment; blocks become paragraphs separated by a blank line."""
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    raw = "".join(parser.parts)
    paragraphs = []
    for block in re.split(r"\n\s*\n", raw):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def remove_control_characters(text: str) -> tuple[str, int]:
    """Normalise line ends, turn tabs into spaces, drop other control characters.

    Keeps `\\n` (paragraph structure); returns the text and how many characters
    were dropped or replaced.
    """
    changed = 0
    for old, new in _LINE_BREAKS.items():
        if old in text:
            changed += text.count(old)
            text = text.replace(old, new)
    tabs = text.count("\t")
    text, dropped = _DROPPED.subn("", text.replace("\t", " "))
    return text, changed + tabs + dropped


def clean_text(text: str) -> Cleaned:
    """Strip HTML (when there is any) and control characters from one field."""
    without_controls, removed = remove_control_characters(text)
    if looks_like_html(without_controls):
        return Cleaned(strip_html(without_controls), True, removed)
    if _ENTITY.search(without_controls):  # "AT&amp;T" from a CMS export, no tags
        return Cleaned(unescape(without_controls), True, removed)
    return Cleaned(without_controls, False, removed)
