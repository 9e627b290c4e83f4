"""Tracking redirects in newsletters, unwrapped where the target is written in the link itself.

A newsletter's links often go through its mailer first (Mandrill, Mailchimp's transactional
service, carries the target inside a base64 JSON ``p``; others a plain ``url=``, ``q=`` or
``redirect=``). The story is the target, not the redirect: storing the redirect would file the same
story under as many URLs as there are issues, and publish a link that reports each reader's click.
A redirect that keeps its target on the mailer's server (Mailchimp's ``list-manage.com/track/click``)
cannot be unwrapped without following it: it is kept, less the ``e`` that names the subscriber (the
link still leads to the story, and no longer says which curator clicked); so is its web version.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aggregator.urls import host_of, is_http_url

# Query parameters that hold the target in the redirectors that write it into the link.
_TARGET_PARAMS = ("url", "u", "q", "redirect", "redirect_url", "target", "dest", "destination", "link")
# Path words of redirect endpoints: a ``url=`` elsewhere (a search form, an embed) is not a redirect.
_REDIRECT_WORDS = ("click", "track", "redirect", "url", "link", "out", "safelinks", "r")
# Mailchimp's own hosts, whose links carry the subscriber's id in ``e``.
_MAILCHIMP_HOSTS = ("list-manage.com", "campaign-archive.com")
# Nested redirects (a mailer's around a link shortener's) are rare; more than this is a loop.
_MAX_DEPTH = 4


def unwrap(url: str) -> str:
    """Return the link a tracking redirect leads to when the redirect carries it, without ``utm_*``."""
    for _ in range(_MAX_DEPTH):
        target = _target(url)
        if target is None:
            break
        url = target
    return without_campaign_tags(_anonymous(url))


def without_campaign_tags(url: str) -> str:
    """Return ``url`` without its ``utm_*`` parameters (and Mailchimp's ``mc_cid`` / ``mc_eid``)."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [
        (k, v) for k, v in pairs if not k.lower().startswith("utm_") and k.lower() not in {"mc_cid", "mc_eid"}
    ]
    return _with_query(url, pairs, kept)


def _with_query(url: str, pairs: list[tuple[str, str]], kept: list[tuple[str, str]]) -> str:
    # Rebuilt only when something was taken out: re-encoding would change links that lose nothing.
    if len(kept) == len(pairs):
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), parts.fragment))


def _anonymous(url: str) -> str:
    if not host_of(url).endswith(_MAILCHIMP_HOSTS):
        return url
    pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    return _with_query(url, pairs, [(k, v) for k, v in pairs if k != "e"])


def _target(url: str) -> str | None:
    if not is_http_url(url):
        return None
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    if host_of(url).endswith("mandrillapp.com") and "p" in query:
        return _mandrill_target(query["p"])
    segments = {s.lower() for s in parts.path.split("/") if s}
    if not segments & set(_REDIRECT_WORDS) and not any(w in host_of(url) for w in ("safelinks", "click")):
        return None
    for name in _TARGET_PARAMS:
        value = query.get(name, "").strip()
        if value and is_http_url(value) and value != url:
            return value
    return None


def _mandrill_target(packed: str) -> str | None:
    # p = base64url(JSON {"p": JSON {"url": target, ...}}), padding stripped.
    try:
        outer = json.loads(base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)))
        inner = json.loads(outer["p"]) if isinstance(outer.get("p"), str) else outer
        target = inner.get("url")
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        return None
    return target if isinstance(target, str) and is_http_url(target) else None
