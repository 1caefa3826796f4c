"""Reading feeds and bundles: text only, capped, hostile input refused or neutralised."""

from __future__ import annotations

import time

import pytest

from threat_feed.models import SUMMARY_MAX, TITLE_MAX
from threat_feed.parsing import (
    FeedError,
    feed_parse,
    link_key,
    plain_text,
    safe_link,
    stix_parse,
    text_from_html,
)

from .conftest import fixture_bytes


def test_rss_items_are_read_as_plain_text_with_ids_links_labels_and_dates():
    result = feed_parse(fixture_bytes("rss_trends.xml"))

    first = result.items[0]
    assert len(result.items) == 3
    assert first.title == "Financial sextortion of teenagers shifts to short payment deadlines"
    assert first.summary.startswith("Helplines describe offenders demanding payment within minutes")
    assert "\n\nFirst responders" in first.summary  # paragraphs kept, tags gone
    assert "<" not in first.summary
    assert first.external_id == "urn:research-example:2026-001"
    assert first.link == "https://research.example.org/2026/01/financial-sextortion-deadlines"
    assert first.labels == ["financial sextortion", "victim support"]
    assert first.published_at.isoformat() == "2026-01-05T08:30:00+00:00"


def test_rss_images_and_enclosures_are_not_kept():
    item = feed_parse(fixture_bytes("rss_trends.xml")).items[2]

    assert "chart" not in item.summary and "<img" not in item.summary
    assert "mp3" not in repr(item)


def test_atom_entries_are_read_including_html_titles_and_xhtml_content():
    result = feed_parse(fixture_bytes("atom_trends.xml"))

    assert [i.title for i in result.items] == [
        "AI-generated abuse material: detection and legal questions for prosecutors",
        "Livestreamed abuse paid for with small transfers",
    ]
    assert result.items[1].summary.startswith("Financial investigators can follow")
    assert result.items[1].published_at.isoformat() == "2026-01-09T09:00:00+00:00"


def test_stix_bundle_keeps_reports_techniques_tools_and_campaigns_only():
    result = stix_parse(fixture_bytes("stix_bundle.json"))

    assert [i.kind for i in result.items] == ["report", "attack-pattern", "tool", "campaign"]
    assert result.ignored == 4  # identity, indicator, domain-name, relationship
    assert not any("never" in (i.title + i.summary).lower() for i in result.items)
    report = result.items[0]
    assert report.external_id == "report--8a9b0c1d-2e3f-4a5b-9c6d-7e8f9a0b1c2d"
    assert report.link == "https://sharing.example.org/reports/q4"
    assert report.labels == ["anonymisation", "threat-report"]
    assert result.items[1].labels == ["isolation"]


def test_invalid_stix_object_refuses_the_whole_bundle():
    with pytest.raises(FeedError, match=r"Object 2 \(tool\) is not valid STIX 2\.1"):
        stix_parse(fixture_bytes("broken_stix_invalid.json"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b'{"type": "indicator"}', "not a STIX bundle"),
        (b'{"type": "bundle", "objects": {}}', "must be a list"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_broken_stix_gives_a_clear_error(data, message):
    with pytest.raises(FeedError, match=message):
        stix_parse(data)


def test_bad_xml_is_refused_with_its_position():
    with pytest.raises(FeedError, match="not well-formed XML \\(mismatched tag: line 3"):
        feed_parse(fixture_bytes("broken_bad_xml.xml"))


def test_wrong_encoding_is_refused_naming_the_declared_encoding():
    with pytest.raises(FeedError, match="not valid UTF-8, the encoding it declares"):
        feed_parse(fixture_bytes("broken_wrong_encoding.xml"))


def test_html_page_is_not_a_feed():
    with pytest.raises(FeedError):
        feed_parse(fixture_bytes("not_a_feed.html"))


def test_xml_that_is_not_a_feed_is_refused():
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        feed_parse(b"<?xml version='1.0'?><catalogue><book>x</book></catalogue>")


def test_billion_laughs_is_refused_quickly_without_expanding_entities():
    started = time.monotonic()
    with pytest.raises(FeedError, match="declares XML entities"):
        feed_parse(fixture_bytes("hostile_billion_laughs.xml"))
    assert time.monotonic() - started < 1


def test_external_entity_is_refused_and_no_file_is_read():
    with pytest.raises(FeedError, match="declares XML entities") as caught:
        feed_parse(fixture_bytes("hostile_external_entity.xml"))
    assert "root:" not in caught.value.message


def test_missing_fields_skip_empty_entries_derive_titles_and_drop_bad_links_and_dates():
    result = feed_parse(fixture_bytes("broken_missing_fields.xml"))

    assert result.ignored == 1  # a link and nothing to read
    titles = [i.title for i in result.items]
    assert titles[0] == "A title and nothing else"
    assert titles[1].startswith("A description without a title: the first words")
    bad = result.items[2]
    assert bad.link == ""
    assert bad.published_at is None


def test_script_in_descriptions_is_removed_with_its_content():
    items = feed_parse(fixture_bytes("hostile_script.xml")).items

    assert items[0].summary == "Before\n\nAfter"
    for text in (items[0].summary, items[1].summary):
        assert "steal" not in text and "onerror" not in text and "display:none" not in text


def test_escaped_markup_stays_text_and_direction_overrides_are_dropped():
    item = feed_parse(fixture_bytes("hostile_script.xml")).items[1]

    assert item.summary.startswith("Use <script> tags? Never in a lesson.")
    assert "\u202e" not in item.summary and "\u200b" not in item.summary


def test_huge_item_is_capped_not_refused():
    description = "<p>" + "Repeated words about livestreaming. " * 100_000 + "</p>"
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{'Long title ' * 100}</title><description><![CDATA[{description}]]>"
        "</description></item></channel></rss>"
    ).encode()

    item = feed_parse(feed).items[0]

    assert len(item.summary) <= SUMMARY_MAX and item.summary.endswith("…")
    assert len(item.title) <= TITLE_MAX


def test_text_from_html_keeps_words_apart_across_blocks():
    assert text_from_html("<ul><li>one</li><li>two</li></ul>x<br>y", limit=100) == (
        "one\n\ntwo\n\nx\n\ny"
    )


def test_plain_text_cuts_at_a_word_with_an_ellipsis():
    assert plain_text("alpha beta gamma delta epsilon", limit=27) == "alpha beta gamma delta…"


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "data:text/html,x", "ftp://x.example/", "/relative", "https://", ""],
)
def test_only_absolute_http_links_are_kept(value):
    assert safe_link(value) == ""


def test_link_key_ignores_case_of_host_fragment_and_trailing_slash():
    assert link_key("HTTPS://News.Example.org/a/#top") == link_key("https://news.example.org/a")
