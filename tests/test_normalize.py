"""Normalisation decides when two posts share "the same" URL, hashtag or text."""

from __future__ import annotations

import pytest

from inconcert.normalize import (
    fold, hashtags_in, mentions_in, normalize_hashtag, normalize_url, text_fingerprint, url_domain, urls_in,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("HTTPS://Example.COM/News/Story/?utm_source=tw&utm_medium=x&id=7#top", "https://example.com/News/Story?id=7"),
        ("https://example.com:443/a/", "https://example.com/a"),
        ("http://example.com:8080/a", "https://example.com:8080/a"),
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com/a?fbclid=abc&gclid=def", "https://example.com/a"),
        ("www.example.org/x", "https://www.example.org/x"),
        ("https://[::1]:8443/x/", "https://[::1]:8443/x"),
        ("https://bücher.example/", "https://xn--bcher-kva.example"),
        ("mailto:someone@example.com", None),
        ("not a url", None),
        ("https://", None),
        ("", None),
    ],
)
def test_url_normalisation(raw, expected):
    assert normalize_url(raw) == expected


def test_domain_drops_www_and_port():
    assert url_domain("https://WWW.Example.com:8080/path?q=1") == "example.com"
    assert url_domain("https://news.example.co.uk/a") == "news.example.co.uk"
    assert url_domain("ftp://example.com") is None


def test_hashtags_fold_case_diacritics_and_arabic_script_variants():
    assert normalize_hashtag("#ÉlectionS") == normalize_hashtag("elections") == "elections"
    # Arabic yeh/kaf vs Persian yeh/keheh, tatweel and zero-width non-joiner.
    assert normalize_hashtag("#كتاب_ي") == normalize_hashtag("کـتاب_ی") == normalize_hashtag("کتاب\u200c_ی")
    assert normalize_hashtag("#۲۰۲۴") == normalize_hashtag("٢٠٢٤") == "2024"
    assert normalize_hashtag("#") is None


def test_text_fingerprint_ignores_case_urls_mentions_rt_and_spacing():
    a = text_fingerprint("RT @someone: Breaking   NEWS about the vote https://t.co/abc @x")
    b = text_fingerprint("breaking news about the vote")
    assert a == b and a is not None
    assert text_fingerprint("breaking news about the voters") != b
    assert text_fingerprint("   @only https://t.co/x ") is None
    assert text_fingerprint(None) is None


def test_free_text_extraction():
    assert hashtags_in("Vote #Yes and #no, not &#39;x") == ["Yes", "no"]
    assert urls_in("see https://a.example/x). and www.b.example/y.") == ["https://a.example/x", "www.b.example/y"]


def test_fold_keeps_ascii_fast_path_equal_to_full_path():
    assert fold("Mixed CASE ascii") == "mixed case ascii"
    assert fold("ÀÉÎÕÜ ﬁ") == "aeiou fi"


def test_mentions_in_free_text():
    text = "@alice ask @bob.bsky.social, @dave. and @x-y! Not a@b.com, @@z or https://mastodon.social/@carol"
    assert mentions_in(text) == ["alice", "bob.bsky.social", "dave", "x-y"]
    assert mentions_in("(@émilie)") == ["émilie"]
    assert mentions_in(None) == [] and mentions_in("") == []
