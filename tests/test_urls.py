from __future__ import annotations

import pytest

from aggregator.errors import InvalidInput
from aggregator.urls import canonical_url, is_http_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://WWW.Example.COM/Path/A?b=1#frag", "https://www.example.com/Path/A?b=1"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        (
            "https://example.com/a?utm_source=x&id=3&UTM_Medium=y&fbclid=1&gclid=2",
            "https://example.com/a?id=3",
        ),
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


def test_relative_links_resolve_against_a_base() -> None:
    assert canonical_url("../b?utm_campaign=z", base="https://ex.org/x/y/z") == "https://ex.org/x/b"
    assert canonical_url("//cdn.ex.org/p", base="https://ex.org/") == "https://cdn.ex.org/p"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "file:///etc/passwd", "mailto:a@b", "not a url"])
def test_non_http_urls_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput):
        canonical_url(bad)


# A malformed link in one entry once raised ValueError out of urlsplit and failed the whole source.
@pytest.mark.parametrize(
    "bad",
    [
        "http://[::1/x",
        "http://example.org:99999/x",
        "http://exa mple.org/a",
        "https://ex.org:-1/",
        "http://\x00ex.org/",
    ],
)
def test_malformed_links_are_refused_as_bad_input_not_raised(bad: str) -> None:
    assert is_http_url(bad) is False
    with pytest.raises(InvalidInput):
        canonical_url(bad)
