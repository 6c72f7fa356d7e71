"""A saved news page in, the article out: title, byline lines and body, with the page's metadata.

A page is mostly not the article: menus that list the city's leaders with their titles (市委书记某某),
`<script>` strings, related-news links whose headlines name officials, footers naming the site's staff.
Tagged whole, each of them would become a fact of an article that never states it. trafilatura finds
the main text (its own heuristics, then readability- and jusText-style fallbacks) and the page's
metadata (title, date, author, site name). It runs with `favor_precision`: on a short release (one
paragraph) its default falls back to the whole page, menus and related links included, while the
precise mode keeps the article (measured on the seeds wrapped in a site's page: every line of the
five articles kept either way, the facts those of the plain files); only that text is tagged, so offsets in every output index
the *extracted* text, which a build writes to `texts.jsonl` (the README's Inputs section).

trafilatura drops the lines around the body that credit it (`来源：丹东日报 记者 郭文治`, `（责任编辑：王小明）`)
along with the chrome, but the byline rule reads exactly those. They are put back as the page gives
them, and only they: short lines between the headline and the body, or after the body inside the
article's own container, that hold a credit word (`ner/data/words/credits.tsv`) and are not links.

The page's bytes are decoded by the charset it declares (`<meta charset>`, an XML declaration) when
that decodes cleanly, else as any text file (`reading.decode`): trafilatura's own guess reads GBK as
Latin-1 on short pages. Dates are taken from the page's markup only (no search through its text,
which would meet the dates of related news); the text's own date line is read later, as for a file.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from zhkg.ner.text.reading import Decoded, UnreadableInput, decode

# Enough to find a page's charset declaration (the HTML standard asks for it in the first 1024 bytes).
_HEAD_BYTES = 4096
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-]+)""",
                      re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_HTML_START = re.compile(rb"^(?:\s|<!--.*?-->|<\?xml[^>]*>)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.IGNORECASE | re.DOTALL)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}
# Lines a byline can be: longer ones are prose.
BYLINE_CHARS = 120
# What is not text: its strings never reach a line.
_SKIP = {"script", "style", "noscript", "template", "head", "title", "iframe", "select", "option", "button",
         "svg", "object", "embed"}
_BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr",
           "table", "br", "section", "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre",
           "figure", "figcaption", "form", "hr", "address", "body", "center"}
# The start of a line that finds it in the page: long enough to be that line, short enough to sit in
# one text node of the markup.
_PROBE = 12

for _logger in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
    logging.getLogger(_logger).setLevel(logging.CRITICAL)  # their notes on odd markup are not the build's lines


@dataclass(frozen=True)
class Line:
    text: str
    block: str  # where the block element the line ends in sits: its path in the page (`/html/body/div[2]`)
    link: bool  # every character of it is link text


def looks_like_html(data: bytes) -> bool:
    """A page saved under another name (`.txt`, none): it opens with a doctype, `<html>` or `<head>`."""
    return bool(_HTML_START.match(data[:_HEAD_BYTES].lstrip(b"\xef\xbb\xbf")))


def _markup(data: bytes) -> Decoded:
    """The page as text: its declared charset when that decodes cleanly, else `reading.decode`."""
    m = _CHARSET.search(data[:_HEAD_BYTES])
    if m:
        declared = (m.group(1) or m.group(2)).decode("ascii").lower()
        codec = "gb18030" if declared in _GB else declared
        try:
            return Decoded(data.decode(codec).lstrip("\ufeff"), codec)
        except (LookupError, UnicodeDecodeError):
            pass
    found = decode(data)
    return Decoded(found.text, found.encoding)  # its U+FFFD places index the markup, not the article


@lru_cache(maxsize=1)
def _credit_words() -> tuple[str, ...]:
    from zhkg.ner import words

    return (*words.words("byline_role"), *words.words("issuer_label"), "作者")


def _is_credit(line: str) -> bool:
    from zhkg.ner.text.normalize import to_simplified

    return len(line) <= BYLINE_CHARS and any(w in to_simplified(line) for w in _credit_words())


def _lines(root) -> list[Line]:
    """The page's visible text as lines, in document order: a line ends at every block element."""
    from lxml import etree

    tree = root.getroottree()
    lines: list[Line] = []
    parts: list[str] = []
    linked = [0, 0]  # characters of the current line inside and outside links
    in_link = 0
    skipping = 0

    def add(text: str | None) -> None:
        if text and not skipping:
            parts.append(text)
            linked[0 if in_link else 1] += len(text.strip())

    def flush(block: object) -> None:
        text = " ".join("".join(parts).split())
        if text:
            lines.append(Line(text, tree.getpath(block), linked[1] == 0))
        parts.clear()
        linked[:] = [0, 0]

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _SKIP:
                skipping += 1
                continue
            if tag in _BLOCKS:
                flush(el)
            in_link += tag == "a"
            add(el.text)
        else:
            if tag in _SKIP:
                skipping -= 1
            else:
                in_link -= tag == "a"
                if tag in _BLOCKS:
                    flush(el)
            add(el.tail)
    flush(root)
    return lines


def _find(lines: list[Line], probe: str, start: int = 0, last: bool = False) -> int | None:
    hits = [i for i in range(start, len(lines)) if probe in lines[i].text]
    return (hits[-1] if last else hits[0]) if hits else None


def _common_ancestor(a: str, b: str) -> str:
    """The path of the innermost element holding both elements at paths `a` and `b`."""
    common = []
    for x, y in zip(a.split("/"), b.split("/")):
        if x != y:
            break
        common.append(x)
    return "/".join(common)


def byline_lines(markup: str, title: str, body: list[str]) -> tuple[list[str], list[str]]:
    """The credit lines the page shows around the body that the body leaves out: (before, after).

    Before: between the headline and the body's first line. After: following the body's last line
    while still inside the element that holds both the headline and the body (the article), so the
    site's footer is never read. Links (menus, related news) are never credits."""
    import lxml.html
    from lxml import etree

    if not body:
        return [], []
    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", markup, count=1))
    except (ValueError, etree.ParserError):
        return [], []
    lines = _lines(root)
    first = _find(lines, body[0][:_PROBE])
    if first is None:
        return [], []
    end = _find(lines, body[-1][-_PROBE:], first, last=True) or first
    head = _find(lines[:first], title[:_PROBE], last=True) if title else None
    kept = set(body) | {title}
    before = [ln.text for ln in lines[head + 1:first] if not ln.link and ln.text not in kept
              and _is_credit(ln.text)] if head is not None else []
    article = _common_ancestor(lines[head].block, lines[first].block) if head is not None else ""
    after = []
    if article.count("/") > 2:  # inside <body>, not <body> itself: below it come the site's links and footer
        for ln in lines[end + 1:]:
            if not (ln.block + "/").startswith(article + "/"):
                break
            if not ln.link and ln.text not in kept and _is_credit(ln.text):
                after.append(ln.text)
    return before, after


def read_page(data: bytes) -> Decoded:
    """The article of a saved page: its text (title, byline lines, body, closing credits; one line each)
    and its metadata (`title`, `date`, `author`, `source` = the site's name, `format` = html).
    `UnreadableInput` when the page holds no article text."""
    import trafilatura

    page = _markup(data)
    markup = _XML_DECL.sub("", page.text, count=1)  # lxml refuses a str that declares its encoding
    try:
        found = trafilatura.bare_extraction(markup, with_metadata=True, include_comments=False, favor_precision=True,
                                            include_tables=True, include_images=False, include_links=False,
                                            deduplicate=False, date_extraction_params={
                                                "extensive_search": False, "original_date": True,
                                                "outputformat": "%Y-%m-%d"})
    except Exception as e:  # any markup trafilatura or lxml chokes on is one skipped file, never a crash
        raise UnreadableInput(f"not a readable HTML page ({type(e).__name__})") from e
    text = (found.text or "") if found is not None else ""
    body = [" ".join(line.split()) for line in text.splitlines()]
    body = [line for line in body if line]
    if not body:
        raise UnreadableInput("no article text found in the HTML page")
    title = " ".join((found.title or "").split())
    body = [line for line in body if line != title]  # the headline, which some pages repeat in the body
    try:
        before, after = byline_lines(markup, title, body)
    except Exception:  # noqa: BLE001 - the credits are a bonus: a page lxml cannot walk still gives its article
        before, after = [], []
    lines = [*([title] if title else []), *before, *body, *after]
    meta = {"format": "html", "title": title, "date": found.date or "", "author": found.author or "",
            "source": found.sitename or ""}
    return Decoded("\n".join(lines) + "\n", page.encoding, (), {k: v for k, v in meta.items() if v})
