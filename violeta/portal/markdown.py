"""Markdown that staff write, rendered for the public site and sanitised: the one place it happens.

markdown-it-py (CommonMark, raw HTML off: a ``<script>`` typed in a text is shown as text), then nh3 with an
allow-list: headings, paragraphs, lists, emphasis, quotes, links (http, https, tel, mailto; ``rel="noopener
noreferrer"``). No images (nothing is loaded from elsewhere), no attributes but a link's address and title.
"""

import nh3
from markdown_it import MarkdownIt

TAGS = {"h2", "h3", "h4", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "blockquote", "a", "code"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "tel", "mailto"}

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")


def render(text: str) -> str:
    """Staff's Markdown as safe HTML (a heading ``#`` becomes h2: the page has its own h1)."""
    if not text or not text.strip():
        return ""
    html = _md.render(text)
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
