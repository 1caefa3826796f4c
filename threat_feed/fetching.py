"""Downloading a feed: text only, with a timeout, a size limit (streamed: we stop reading past
it), conditional requests and a clear User-Agent. Never follows a redirect or an address into
a private network unless THREAT_FEED_ALLOW_PRIVATE_HOSTS is on.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .conf import feed_setting, feed_user_agent
from .parsing import FeedError

# Answers that are certainly not a feed: refused before their body is read.
_MEDIA_PREFIXES = ("image/", "video/", "audio/", "font/", "model/")
_MEDIA_TYPES = {"application/pdf", "application/zip", "application/x-tar", "application/gzip"}
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "application/stix+json;q=0.9, application/json;q=0.8, */*;q=0.1"
)


@dataclass
class Download:
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _host_check(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FeedError(_("Only https:// and http:// addresses can be fetched."))
    if feed_setting("THREAT_FEED_ALLOW_PRIVATE_HOSTS"):
        return
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise FeedError(
            _("The host name %(host)s could not be found.") % {"host": parts.hostname}
        ) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise _private_address_error(address)


def _private_address_error(address) -> FeedError:
    return FeedError(
        _(
            "The address points to a private or local network (%(address)s), which "
            "the platform does not fetch from."
        )
        % {"address": address}
    )


# The host check resolves the name, then the connection resolves it again: a name that answers
# with a public address first and 127.0.0.1 second (DNS rebinding) would pass the check and
# reach the private network. So the address actually connected to is checked as well, before
# a byte of the request is sent.
class _PublicPeerOnly:
    def _new_conn(self):
        sock = super()._new_conn()  # type: ignore[misc]
        address = ipaddress.ip_address(str(sock.getpeername()[0]).split("%", 1)[0])
        if not address.is_global:
            sock.close()
            raise _private_address_error(address)
        return sock


class _PublicHTTPConnection(_PublicPeerOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicPeerOnly, HTTPSConnection):
    pass


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PublicHTTPPool,
            "https": _PublicHTTPSPool,
        }


def feed_download(*, url: str, etag: str = "", last_modified: str = "") -> Download:
    """GET `url`. Raises FeedError with a readable reason for every failure."""
    timeout = float(feed_setting("THREAT_FEED_TIMEOUT"))
    max_bytes = int(feed_setting("THREAT_FEED_MAX_BYTES"))
    headers = {"User-Agent": feed_user_agent(), "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + 3 * timeout
    with requests.Session() as session:
        session.trust_env = False  # no proxy or .netrc credentials picked up from the host
        if not feed_setting("THREAT_FEED_ALLOW_PRIVATE_HOSTS"):
            for scheme in ("http://", "https://"):
                session.mount(scheme, _PublicOnlyAdapter())
        current = url
        for _hop in range(int(feed_setting("THREAT_FEED_MAX_REDIRECTS")) + 1):
            _host_check(current)
            try:
                response = session.get(
                    current,
                    headers=headers,
                    timeout=(timeout, timeout),
                    stream=True,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError:
                raise FeedError(
                    _("The site's security certificate could not be verified.")
                ) from None
            except requests.exceptions.Timeout:
                raise FeedError(
                    _("The site did not answer within %(seconds)s seconds.")
                    % {"seconds": int(timeout)}
                ) from None
            except requests.exceptions.RequestException as exc:
                raise FeedError(
                    _("The site could not be reached (%(detail)s).")
                    % {"detail": type(exc).__name__}
                ) from None
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FeedError(_("The site redirected without saying where."))
                    current = urljoin(current, location)
                    continue
                return _read(response, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
    raise FeedError(_("The site redirected too many times."))


def _read(response, *, max_bytes: int, deadline: float, timeout: float) -> Download:
    status = response.status_code
    if status == 304:
        return Download(status=304)
    if status != 200:
        raise FeedError(_("The site answered with HTTP status %(status)s.") % {"status": status})
    content_type = response.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
    if content_type.startswith(_MEDIA_PREFIXES) or content_type in _MEDIA_TYPES:
        raise FeedError(
            _("The address gives a file of type %(type)s, not a feed; nothing was downloaded.")
            % {"type": content_type[:80]}
        )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FeedError(_too_large(max_bytes))
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FeedError(_too_large(max_bytes))
            if time.monotonic() > deadline:
                raise FeedError(
                    _("The download took longer than %(seconds)s seconds.")
                    % {"seconds": int(3 * timeout)}
                )
            chunks.append(chunk)
    except requests.exceptions.RequestException as exc:
        raise FeedError(
            _("The download broke off (%(detail)s).") % {"detail": type(exc).__name__}
        ) from None
    return Download(
        status=200,
        body=b"".join(chunks),
        content_type=content_type,
        etag=response.headers.get("ETag", "")[:300],
        last_modified=response.headers.get("Last-Modified", "")[:100],
    )


def _too_large(max_bytes: int) -> str:
    return _("The feed is larger than %(size)s MB; nothing was kept.") % {
        "size": round(max_bytes / (1024 * 1024), 1)
    }
