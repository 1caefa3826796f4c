"""Trends-feed ingestion: 5,000 items from a feed served on 127.0.0.1, in one process
(DESIGN section 9).

Prints, in the same run:
- parsing alone (feedparser, text cleaning) in items/s: the baseline;
- ingestion (de-duplication, tag suggestions, batched upserts) in items/s, target at least
  1,000 items/s on PostgreSQL, and its ratio to parsing alone;
- a whole fetch (HTTP, parsing, storing) of a second 5,000-item feed, and its ratio to
  parsing alone;
- last line `second run: N added` for fetching that feed again (N must be 0).

    .venv/bin/python bench/feed.py            # SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/feed.py
"""

from __future__ import annotations

import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from _common import Report, bench_django

ITEMS = 5_000
INGEST_BUDGET = 1_000  # items/s

THEMES = [
    ("financial sextortion", "Helplines describe payment demands within minutes of contact."),
    ("gaming platforms", "First contact in multiplayer games moves to private voice chat."),
    ("end-to-end encryption", "Encrypted messaging by default changes what providers hold."),
    ("livestreaming", "Small repeated transfers pay for livestreamed abuse from abroad."),
    ("AI-generated material", "Prosecutors ask how synthetic material is charged."),
    ("cross-border requests", "Preservation requests reach providers after data is gone."),
]


def feed_document(prefix: str, count: int) -> bytes:
    items = []
    for n in range(count):
        theme, sentence = THEMES[n % len(THEMES)]
        items.append(
            f"<item><title>{prefix} trend {n}: {theme}</title>"
            f"<link>https://bench.example.org/{prefix}/{n}</link>"
            f"<guid isPermaLink='false'>urn:bench:{prefix}:{n}</guid>"
            "<pubDate>Mon, 05 Jan 2026 08:30:00 GMT</pubDate>"
            f"<category>{theme}</category>"
            f"<description>&lt;p&gt;{sentence} Item {n} of the {prefix} series, written for "
            "the benchmark: investigators and trainers read it as plain text.&lt;/p&gt;"
            f"&lt;p&gt;A second paragraph with &lt;b&gt;markup&lt;/b&gt; to clean.&lt;/p&gt;"
            "</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Bench {prefix}</title><link>https://bench.example.org/</link>"
        f"<description>d</description>{''.join(items)}</channel></rss>"
    ).encode()


def serve(documents: dict[str, bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = documents.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


def main() -> None:
    with bench_django():
        from django.conf import settings
        from django.db import connection, transaction

        from courses.models import TopicTag
        from threat_feed.models import Source, SourceFetch, TagRule, TrendItem
        from threat_feed.parsing import feed_parse
        from threat_feed.services import source_fetch, trend_items_store

        settings.THREAT_FEED_ALLOW_PRIVATE_HOSTS = True
        for slug, keywords in [
            ("financial-sextortion", "sextortion\npayment demands"),
            ("gaming-platforms", "gaming\nmultiplayer"),
            ("end-to-end-encryption", "end-to-end encryption\nencrypted messaging"),
            ("livestreaming", "livestream"),
            ("ai-generated-material", "AI-generated\nsynthetic"),
            ("international-cooperation", "cross-border\npreservation request"),
        ]:
            tag = TopicTag.objects.create(slug=slug, name=slug, dimension="technique")
            TagRule.objects.create(tag=tag, keywords=keywords, whole_word=slug != "livestreaming")

        first, second = feed_document("a", ITEMS), feed_document("b", ITEMS)
        server = serve({"/a.xml": first, "/b.xml": second})
        base = f"http://127.0.0.1:{server.server_address[1]}"
        report = Report(
            f"Trends feed ingestion: {ITEMS:,} items "
            f"({connection.vendor}, {len(first) / 1e6:.1f} MB feed)"
        )

        parse_times = []
        for _ in range(3):
            start = time.perf_counter()
            parsed = feed_parse(first)
            parse_times.append(time.perf_counter() - start)
        parse_s = statistics.median(parse_times)
        parse_rate = ITEMS / parse_s
        report.note(f"parsing alone: {parse_rate:,.0f} items/s  [{parse_s:.2f} s, median of 3]")

        source_a = Source.objects.create(name="A", url=base + "/a.xml", kind="feed")
        start = time.perf_counter()
        with transaction.atomic():
            fetch = SourceFetch.objects.create(source=source_a, outcome="ok")
            stored = trend_items_store(source=source_a, fetch=fetch, parsed=parsed)
        ingest_s = time.perf_counter() - start
        ingest_rate = stored.added / ingest_s
        report._line(
            f"ingestion (de-duplication, tag suggestions, batched upserts): "
            f"{ingest_rate:,.0f} items/s (budget >= {INGEST_BUDGET:,}/s), "
            f"{ingest_rate / parse_rate:.2f}x parsing alone  [{ingest_s:.2f} s, "
            f"{stored.added:,} added]",
            ingest_rate >= INGEST_BUDGET and stored.added == ITEMS,
        )
        suggested = TrendItem.suggested_tags.through.objects.count()
        report.note(f"tag suggestions written: {suggested:,}")

        source_b = Source.objects.create(name="B", url=base + "/b.xml", kind="feed")
        start = time.perf_counter()
        result = source_fetch(source_id=source_b.pk)
        whole_s = time.perf_counter() - start
        whole_rate = result["added"] / whole_s
        report.note(
            f"whole fetch (HTTP, parsing, storing): {whole_rate:,.0f} items/s, "
            f"{whole_rate / parse_rate:.2f}x parsing alone  [{whole_s:.2f} s, "
            f"{result['added']:,} added]"
        )

        again = source_fetch(source_id=source_b.pk)
        report._line(f"second fetch: {again['duplicates']:,} already known", again["added"] == 0)
        server.shutdown()
        server.server_close()
        report.finish()
        print(f"second run: {again['added']} added")


if __name__ == "__main__":
    main()
