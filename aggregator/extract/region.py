"""The page's main content region, whole: for pages whose content is many short blocks, not one text.

trafilatura looks for an article: on a listing, a forum thread or a collection page it often keeps one
block of several, or a few lines, because the rest is short and link-heavy, like a menu. This finds the
region that holds most of the page's text once the page's chrome is gone (navigation, header and
footer, sidebars, forms, and elements whose class or id names them so), by descending from the
``<main>`` element (or the body) into the child that holds most of its text, as long as that child
holds most of it; then it returns all of that region's text, one line per block.

On a forum thread the posts are the content, and forum software names their containers "comment"
(phpBB, Invision, Discourse's cooked posts): ``keep_comments`` keeps them there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from typing import Any

from lxml import etree

# Removed with their content: chrome on every kind of page.
_CHROME_TAGS = (
    "script", "style", "template", "noscript", "nav", "header", "footer", "aside", "form", "button",
    "select", "option", "svg", "iframe", "dialog", "menu", "label", "input", "textarea",
)  # fmt: skip
_CHROME_WORDS = (
    r"nav|navbar|menu|footer|header|sidebar|breadcrumbs?|cookies?|consent|social|share|sharing|banner|"
    r"modal|popup|newsletter|related|promo|advert|ads?|skip|masthead|topbar|toolbar|pagination"
)
# A shop's filter and sort panels: chrome beside a collection's product grid (WCXB collections 0.673 ->
# 0.678); on listings and products they cost (listings 0.718 -> 0.713), where such blocks hold content.
_FACET_WORDS = r"filters?|facets?|refinements?|sort(?:ing|by)?"


def _chrome_names(*, comments: bool, facets: bool) -> re.Pattern[str]:
    words = _CHROME_WORDS + ("|comments?" if comments else "") + (f"|{_FACET_WORDS}" if facets else "")
    # Matched on lower-cased names without a leading boundary (checked for each match instead): a
    # pattern opening with the words lets the regex engine skip to the characters that can start one.
    return re.compile(rf"(?:{words})(?![^\s_-])")


_CHROME_NAMES = {
    (comments, facets): _chrome_names(comments=comments, facets=facets)
    for comments in (False, True)
    for facets in (False, True)
}
# The chrome tags that page_blocks removes: not forms and headers, which hold a shop's product cards.
_NEVER_TEXT = tuple(tag for tag in _CHROME_TAGS if tag not in {"form", "header"})
_KEPT = frozenset({"html", "body", "main", "article"})
_NAMES = etree.XPath("//@class|//@id|//@role")
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
        "tr", "table", "dl", "dt", "dd", "blockquote", "pre", "br", "td", "th", "figure", "figcaption",
    }
)  # fmt: skip
# Descend into a child while it holds at least this share of its parent's text.
DESCEND_SHARE = 0.6


def region_text(
    tree: Any,
    share: float = DESCEND_SHARE,
    *,
    keep_comments: bool = False,
    drop_facets: bool = False,
    prune: list[str] | None = None,
) -> str:
    """Return the text of the main content region of ``tree`` (altered: chrome is removed).

    ``drop_facets`` also removes blocks named as filter or sort panels (collections' product grids);
    ``prune`` lists XPath expressions of regions a site rule says are not the article (site_rules).
    """
    _drop_pruned(tree, prune)
    _remove_chrome(tree, _CHROME_NAMES[(not keep_comments, drop_facets)])
    return _render(_main_region(tree, share))


def page_blocks(tree: Any, prune: list[str] | None = None) -> str:
    """Return every block of the page's body, one line each, without the tags that never hold its text.

    What text_merge.fill_from_region fills an extraction's gaps from: wider than the region (no
    descent, no blocks dropped for their names, which cut real lines between the extraction's first
    and last; WCXB listings 0.719 -> 0.737 filled from this instead of the region), and cheaper. Forms
    and headers stay: shops put their product grids in forms and their cards' titles in headers
    (WCXB collections 0.680 with neither kept, 0.683 with forms only, 0.687 with headers only, 0.695
    with both). ``tree`` is altered as
    region_text alters it, which may run after this.
    """
    _drop_pruned(tree, prune)
    _unwrap_script_free_view(tree)
    body = tree.find("body")
    root = body if body is not None else tree
    etree.strip_elements(root, *_NEVER_TEXT, with_tail=False)
    return _render(root)


def _drop_pruned(tree: Any, prune: list[str] | None) -> None:
    for xpath in prune or ():
        for element in tree.xpath(xpath):
            # A child of an element already removed has no parent left in the tree: nothing to do.
            if element.getparent() is not None:
                element.drop_tree()


def _remove_chrome(tree: Any, chrome_names: re.Pattern[str]) -> None:
    _unwrap_script_free_view(tree)
    etree.strip_elements(tree, *_CHROME_TAGS, with_tail=False)
    # Every class, id and role value of the page, in document order, each knowing its element: one
    # pattern scan over all of them joined costs a third of a search per element (the region step ran
    # a hundred thousand searches on the trafilatura subset's 425 pages).
    names = _NAMES(tree)
    if not names:
        return
    joined = "\n".join(names).lower()
    if len(joined) == sum(map(len, names)) + len(names) - 1:
        lengths = map(len, names)
    else:
        # A few characters grow when lower-cased ("İ"); lowering never shrinks one, so only then
        # are the names lowered one by one to keep the offsets those of the joined string.
        lowered = [name.lower() for name in names]
        joined = "\n".join(lowered)
        lengths = map(len, lowered)
    # Each name's offset in the joined string: the lengths before it, plus one newline after each.
    starts = list(accumulate(map((1).__add__, lengths), initial=0))
    doomed: dict[Any, None] = {}
    for match in chrome_names.finditer(joined):
        start = match.start()
        if start and not (joined[start - 1].isspace() or joined[start - 1] in "_-"):
            continue
        element = names[bisect_right(starts, start) - 1].getparent()
        if element.tag not in _KEPT:
            doomed[element] = None
    for element in doomed:
        # A child of an element already removed has no parent left in the tree: nothing to do.
        if element.getparent() is not None:
            element.drop_tree()


def _unwrap_script_free_view(tree: Any) -> None:
    """Keep the page's ``<noscript>`` content when it holds most of the page's words.

    Forum software that renders posts with scripts (Discourse) serves the thread itself to readers
    without scripts inside a ``<noscript>``; everywhere else a ``<noscript>`` holds a tracking pixel
    or a "please enable JavaScript" line, and is removed with the chrome.
    """
    body = tree.find("body")
    if body is None:
        return
    # Most pages' noscripts hold no words at all: the whole body is counted only when some do.
    inside = sum(len(view.text_content().split()) for view in body.iter("noscript"))
    if inside and inside > 0.5 * len(body.text_content().split()):
        etree.strip_tags(body, "noscript")


def _word_counts(root: Any) -> dict[Any, int]:
    """Return the number of words inside each element of ``root``, counted in one pass from the leaves.

    (Counting each candidate's text afresh at every step down cost as much as trafilatura's own run.)
    """
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    counts: dict[Any, int] = {}
    for element in reversed(elements):
        words = len(element.text.split()) if element.text else 0
        for child in element:
            words += counts.get(child, 0) + (len(child.tail.split()) if child.tail else 0)
        counts[element] = words
    return counts


def _main_region(tree: Any, share: float) -> Any:
    body = tree.find("body")
    node = body if body is not None else tree
    counts = _word_counts(node)
    mains = node.xpath(".//main|.//*[@role='main']")
    if len(mains) == 1 and counts.get(mains[0]):
        node = mains[0]
    length = counts.get(node, 0)
    while length:
        children = [(counts[child], child) for child in node if isinstance(child.tag, str)]
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
    # Whitespace collapsed within each line, empty lines dropped: built-ins mapped over the lines (the
    # blocks' line breaks make most of them empty).
    return "\n".join(filter(None, map(" ".join, map(str.split, "".join(parts).split("\n")))))
