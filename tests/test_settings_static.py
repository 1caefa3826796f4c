"""Static files: served by whitenoise from the project's own origin (CSP `script-src 'self'`),
with htmx vendored from the npm release that package.json pins."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
VENDORED_HTMX = ROOT / "static" / "js" / "vendor" / "htmx.min.js"


def test_vendored_htmx_is_the_pinned_npm_release():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["htmx.org"]
    vendored = re.search(r'version:"([0-9.]+)"', VENDORED_HTMX.read_text())

    assert vendored is not None
    assert vendored.group(1) == pinned


def test_vendored_htmx_is_byte_for_byte_the_npm_package():
    package = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    if not package.exists():
        skip_or_fail("node_modules/htmx.org is not installed (run `npm ci`)")

    assert VENDORED_HTMX.read_bytes() == package.read_bytes()


def test_frame_assets_are_found_by_the_static_finders():
    for name in ("css/app.css", "js/app.js", "js/vendor/htmx.min.js", "img/favicon.svg"):
        assert finders.find(name), name


def test_whitenoise_serves_static_files_right_after_the_security_middleware():
    middleware = settings.MIDDLEWARE

    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    assert middleware[1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_frame_script_has_no_eval_or_inline_handlers():
    script = (ROOT / "static" / "js" / "app.js").read_text()

    assert "eval(" not in script
    assert "new Function" not in script
    assert "innerHTML" not in script
