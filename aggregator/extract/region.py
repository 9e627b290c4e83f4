"""The page's main content region, whole: for pages whose content is many short blocks, not one text.

trafilatura looks for an article: on a listing, a forum thread or a collection page it often keeps one
block of several, or a few lines, because the rest is short and link-heavy, like a menu. This finds the
region that holds most of the page's text once the page's chrome is gone (navigation, header and
footer, sidebars, forms, and elements whose class or id names them so), by descending from the
``<main>`` element (or the body) into the child that holds most of its text, as long as that child
holds most of it; then it returns all of that region's text, one line per block.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

# Removed with their content: chrome on every kind of page.
_CHROME_TAGS = (
    "script", "style", "template", "noscript", "nav", "header", "footer", "aside", "form", "button",
    "select", "option", "svg", "iframe", "dialog", "menu", "label", "input", "textarea",
)  # fmt: skip
_CHROME_NAMES = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|footer|header|sidebar|breadcrumbs?|cookies?|consent|social|share|"
    r"sharing|banner|modal|popup|newsletter|related|promo|advert|ads?|skip|masthead|topbar|toolbar|"
    r"pagination|comments?)(?:$|[\s_-])",
    re.IGNORECASE,
)
_KEPT = frozenset({"html", "body", "main", "article"})
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
        "tr", "table", "dl", "dt", "dd", "blockquote", "pre", "br", "td", "th", "figure", "figcaption",
    }
)  # fmt: skip
# Descend into a child while it holds at least this share of its parent's text.
DESCEND_SHARE = 0.6


def region_text(tree: Any, share: float = DESCEND_SHARE) -> str:
    """Return the text of the main content region of ``tree`` (altered: chrome is removed)."""
    _remove_chrome(tree)
    return _render(_main_region(tree, share))


def _remove_chrome(tree: Any) -> None:
    etree.strip_elements(tree, *_CHROME_TAGS, with_tail=False)
    doomed = []
    for element in tree.iter("*"):
        if element.tag in _KEPT:
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''} {element.get('role') or ''}"
        if names.strip() and _CHROME_NAMES.search(names):
            doomed.append(element)
    for element in doomed:
        # A child of an element already removed has no parent left in the tree: nothing to do.
        if element.getparent() is not None:
            element.drop_tree()


def _text_length(element: Any) -> int:
    return len("".join(element.itertext()).split())


def _main_region(tree: Any, share: float) -> Any:
    body = tree.find("body")
    node = body if body is not None else tree
    mains = node.xpath(".//main|.//*[@role='main']")
    if len(mains) == 1 and _text_length(mains[0]):
        node = mains[0]
    length = _text_length(node)
    while length:
        children = [(_text_length(child), child) for child in node if isinstance(child.tag, str)]
        if not children:
            break
        best_length, best = max(children, key=lambda pair: pair[0])
        if best_length < share * length:
            break
        node, length = best, best_length
    return node


def _render(region: Any) -> str:
    parts: list[str] = []

    def walk(element: Any) -> None:
        block = element.tag in _BLOCKS
        if block:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(region)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)
