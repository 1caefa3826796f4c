"""Downloading: user agent, conditional requests, limits, media and private addresses."""

from __future__ import annotations

import pytest

from threat_feed.fetching import feed_download
from threat_feed.parsing import FeedError

from .conftest import fixture_bytes


def test_download_sends_a_clear_user_agent_and_accept(feed_server):
    url = feed_server.serve("/rss.xml", fixture_bytes("rss_trends.xml"))

    download = feed_download(url=url)

    headers = feed_server.requests[0]["headers"]
    assert download.status == 200 and download.body == fixture_bytes("rss_trends.xml")
    assert headers["User-Agent"].startswith("CSEA-training-trends/")
    assert "application/rss+xml" in headers["Accept"]


def test_conditional_request_gets_not_modified(feed_server):
    url = feed_server.serve("/rss.xml", b"<rss/>", etag='"v1"')

    first = feed_download(url=url)
    second = feed_download(url=url, etag=first.etag, last_modified="Mon, 05 Jan 2026 09:00:00 GMT")

    assert first.etag == '"v1"'
    assert second.not_modified and second.body == b""
    assert feed_server.requests[1]["headers"]["If-None-Match"] == '"v1"'
    assert feed_server.requests[1]["headers"]["If-Modified-Since"].startswith("Mon, 05 Jan")


def test_download_stops_past_the_size_limit(feed_server, settings):
    settings.THREAT_FEED_MAX_BYTES = 1000
    url = feed_server.serve("/big.xml", b"x" * 5000)

    with pytest.raises(FeedError, match="larger than"):
        feed_download(url=url)


def test_download_stops_past_the_size_limit_without_content_length(feed_server, settings):
    settings.THREAT_FEED_MAX_BYTES = 1000
    url = feed_server.serve("/big.xml", b"x" * 200_000)
    # Announce a small size: the streamed count still stops it.
    feed_server.routes["/big.xml"].headers["Content-Length"] = "10"

    with pytest.raises(FeedError):
        feed_download(url=url)


def test_media_answers_are_refused_before_reading(feed_server):
    url = feed_server.serve("/photo", b"\x89PNG....", headers={"Content-Type": "image/png"})

    with pytest.raises(FeedError, match="image/png"):
        feed_download(url=url)


def test_slow_server_times_out(feed_server, settings):
    settings.THREAT_FEED_TIMEOUT = 0.3
    url = feed_server.serve("/slow.xml", b"<rss/>", delay=1.5)

    with pytest.raises(FeedError, match="did not answer"):
        feed_download(url=url)


def test_http_error_status_is_reported(feed_server):
    with pytest.raises(FeedError, match="HTTP status 404"):
        feed_download(url=feed_server.url("/missing.xml"))


def test_redirects_are_followed(feed_server):
    target = feed_server.serve("/new.xml", b"<rss/>")
    feed_server.serve("/old.xml", b"", status=301, headers={"Location": "/new.xml"})

    assert feed_download(url=feed_server.url("/old.xml")).body == b"<rss/>"
    assert target.endswith("/new.xml")


def test_redirect_loop_is_stopped(feed_server, settings):
    settings.THREAT_FEED_MAX_REDIRECTS = 2
    feed_server.serve("/loop.xml", b"", status=302, headers={"Location": "/loop.xml"})

    with pytest.raises(FeedError, match="redirected too many times"):
        feed_download(url=feed_server.url("/loop.xml"))


def test_private_addresses_are_refused_by_default(feed_server, settings):
    settings.THREAT_FEED_ALLOW_PRIVATE_HOSTS = False
    url = feed_server.serve("/rss.xml", b"<rss/>")

    with pytest.raises(FeedError, match="private or local network"):
        feed_download(url=url)
    assert feed_server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example.org/feed.xml"])
def test_other_schemes_are_refused(url):
    with pytest.raises(FeedError, match="Only https:// and http://"):
        feed_download(url=url)


def test_unreachable_host_is_reported(settings):
    settings.THREAT_FEED_ALLOW_PRIVATE_HOSTS = True
    with pytest.raises(FeedError, match="could not be reached"):
        feed_download(url="http://127.0.0.1:9/feed.xml")


def test_a_name_that_turns_private_after_the_check_is_refused_before_sending(
    feed_server, settings, monkeypatch
):
    # DNS rebinding: the name looked public when checked, the connection lands on 127.0.0.1.
    from threat_feed import fetching

    settings.THREAT_FEED_ALLOW_PRIVATE_HOSTS = False
    monkeypatch.setattr(fetching, "_host_check", lambda url: None)
    url = feed_server.serve("/rss.xml", b"<rss/>")

    with pytest.raises(FeedError, match="private or local network"):
        feed_download(url=url)
    assert feed_server.requests == []
