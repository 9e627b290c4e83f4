from __future__ import annotations

from aggregator.reader.newsletters import split_stories

MAILCHIMP = """<html><body><table><tr><td class="mcnTextContent">
<h1>Involve newsletter</h1><p>Welcome to our March round-up.</p></td></tr>
<tr><td class="mcnTextContent">
<p><strong><a href="https://involve.org.uk/news/one?utm_source=newsletter">Story one</a></strong>
 — What happened first.</p>
<p><strong><a href="https://www.oecd.org/two">Story two</a></strong>: Then the second thing.</p>
<p><a href="https://involve.org.uk/news/one?utm_source=newsletter">Story one</a> again, linked twice.</p>
</td></tr>
<tr><td class="mcnTextContent"><p><a href="https://x.us4.list-manage.com/unsubscribe?u=1">Unsubscribe</a> |
<a href="https://x.us4.list-manage.com/profile?u=1">update your preferences</a></p>
<p><a href="https://twitter.com/involveuk">Twitter</a></p>
<p><a href="https://us4.campaign-archive.com/?u=1&id=2">View this email in your browser</a></p></td></tr>
</table></body></html>"""

POST = """<html><body>
<nav><ul><li><a href="/about">About us</a></li><li><a href="/news">News</a></li></ul></nav>
<div class="field--name-body"><p>Intro with an <a href="https://ex.org/inline">inline link</a>.</p>
<ul><li><a href="https://www.theguardian.com/a">Guardian piece</a> A look at councils.</li>
<li>No link in this bullet.</li>
<li><a href="mailto:someone@ex.org">Email us</a></li>
<li><a href="/relative/story">Relative story</a> Resolved against the issue.</li>
</ul></div>
<footer><ul><li><a href="https://www.facebook.com/involve">Facebook</a></li></ul></footer></body></html>"""


def test_mailchimp_stories_without_the_chrome() -> None:
    stories = split_stories(MAILCHIMP, "https://mailchi.mp/involve/march")
    assert [(s.title, s.url) for s in stories] == [
        ("Story one", "https://involve.org.uk/news/one?utm_source=newsletter"),
        ("Story two", "https://www.oecd.org/two"),
    ]
    assert [s.text for s in stories] == ["What happened first.", "Then the second thing."]


def test_a_republished_issue_uses_its_body_bullets_only() -> None:
    stories = split_stories(POST, "https://involve.org.uk/news/newsletter-august")
    assert [(s.title, s.url, s.text) for s in stories] == [
        ("Guardian piece", "https://www.theguardian.com/a", "A look at councils."),
        ("Relative story", "https://involve.org.uk/relative/story", "Resolved against the issue."),
    ]


def test_a_selector_overrides_the_guess() -> None:
    stories = split_stories(POST, "https://involve.org.uk/n", selector="nav li")
    assert [s.url for s in stories] == ["https://involve.org.uk/about", "https://involve.org.uk/news"]
    assert split_stories("", "https://x/") == []
