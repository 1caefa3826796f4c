"""Fixtures for the trends feed: fixture files, a local HTTP server that serves feeds, tags."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from courses.models import TopicTag

from .factories import SourceFactory, TagRuleFactory, TopicTagFactory

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Answer 304 when the request carries this ETag in If-None-Match.
    etag: str = ""


class FeedServer:
    """An HTTP server on 127.0.0.1 in a thread; tests put routes in and read requests out."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append({"path": self.path, "headers": dict(self.headers)})
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes, **kwargs) -> str:
        kwargs.setdefault("headers", {"Content-Type": "application/rss+xml; charset=utf-8"})
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)


@pytest.fixture
def feed_server(settings):
    settings.THREAT_FEED_ALLOW_PRIVATE_HOSTS = True
    server = FeedServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def topic_tags(db) -> dict[str, TopicTag]:
    specs = [
        ("financial-sextortion", "Financial sextortion", TopicTag.Dimension.OFFENDER_METHOD),
        ("gaming-platforms", "Gaming platforms", TopicTag.Dimension.PLATFORM),
        ("end-to-end-encryption", "End-to-end encryption", TopicTag.Dimension.ENCRYPTION),
        ("livestreaming", "Livestreaming", TopicTag.Dimension.PLATFORM),
    ]
    return {
        slug: TopicTagFactory(slug=slug, name=name, dimension=dimension)
        for slug, name, dimension in specs
    }


@pytest.fixture
def tag_rules(topic_tags):
    return [
        TagRuleFactory(tag=topic_tags["financial-sextortion"], keywords="sextortion\npayment"),
        TagRuleFactory(tag=topic_tags["gaming-platforms"], keywords="gaming\nmultiplayer game"),
        TagRuleFactory(
            tag=topic_tags["end-to-end-encryption"], keywords="end-to-end encryption\nencrypted"
        ),
        TagRuleFactory(tag=topic_tags["livestreaming"], keywords="livestream", whole_word=False),
    ]


@pytest.fixture
def feed_source(db, trends_analyst):
    source = SourceFactory(name="Research digest")
    source.owners.set([trends_analyst])
    return source
