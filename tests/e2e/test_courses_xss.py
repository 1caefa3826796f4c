"""The lesson pipeline against public XSS corpora, in a real Chromium.

Every payload goes through markdown_render_safe (python-markdown, then nh3) and the output is
loaded in headless Chromium, one sandboxed iframe per payload, many payloads per page. Two
oracles per output:

- execution: alert/confirm/prompt/print are replaced before the payload by functions that
  record a hit (in the frame and in the parent, for `top.alert(...)`), and any real dialog
  is recorded too;
- live dangerous constructs in the parsed DOM: script-like elements, on* attributes, and
  javascript:/vbscript:/data: URLs in URL-bearing attributes.

The sanitised pipeline must give 0 and 0. The same harness on Markdown without the sanitiser
must catch executions (the positive control: it proves the oracle works). No CSP applies to
these pages, so the sanitiser is tested alone, without its second layer.

Corpora: ../shared/testdata/xss (OWASP XSS Filter Evasion Cheat Sheet, CC BY-SA 4.0;
PayloadsAllTheThings XSS Intruders lists, MIT); see its README.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from courses.rendering import markdown_render_safe, markdown_render_unsafe
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.e2e

CORPUS_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "xss"
BATCH = 100

# Markdown-specific vectors of our own: links, images, references, autolinks and raw HTML
# inside the constructs our extensions add (tables, footnotes, TOC, fenced code).
OWN_PAYLOADS = [
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '![x](/ok.png "title\\" onerror=\\"alert(1)")',
    "[ref][1]\n\n[1]: javascript:alert(1)",
    '[ref][1]\n\n[1]: x "t" onmouseover=alert(1)',
    "<javascript:alert(1)>",
    '<https://example.org/"onmouseover="alert(1)>',
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <svg onload=alert(1)> |",
    "Text[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
    '[TOC]\n\n# <img src=x onerror=alert(1)>\n\n## x"><script>alert(1)</script>',
    "```\n</code></pre><script>alert(1)</script>\n```",
    '```html" onmouseover="alert(1)\n<b>x</b>\n```',
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" &#14;  javascript:alert(1)">x</a>',
    '<div markdown="1">[x](javascript:alert(1))</div>',
    "*[HTML]: <img src=x onerror=alert(1)>\n\nHTML",
    '<p id="main">clobber</p><form id="csrf"><input name="x"></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<base href="javascript:alert(1)//">[x](/path)',
]

PARENT_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>xss</title>
<script>
window.__hits = [];
window.__hit = function (index, kind) { window.__hits.push([index, kind]); };
['alert', 'confirm', 'prompt', 'print'].forEach(function (name) {
  window[name] = function () { window.__hits.push(['top', name]); return ''; };
});
</script></head><body></body></html>"""

INSTRUMENT = (
    '<script id="__instr">(function(){var i=%d;function h(k){try{parent.__hit(i,k)}catch(e){}}'
    "window.alert=function(){h('alert')};window.confirm=function(){h('confirm');return true};"
    "window.prompt=function(){h('prompt');return ''};window.print=function(){h('print')};"
    "})();</script>"
)

LOAD_FRAMES = """async (docs) => {
  const loads = docs.map((doc, index) => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts allow-same-origin');
    frame.dataset.index = String(index);
    frame.addEventListener('load', () => resolve(), {once: true});
    setTimeout(resolve, 4000);
    frame.srcdoc = doc;
    document.body.appendChild(frame);
  }));
  await Promise.all(loads);
  await new Promise((resolve) => setTimeout(resolve, 400));
}"""

# Static oracle, run in every frame's parsed DOM.
FIND_DANGEROUS = r"""() => {
  const SCRIPTY = new Set(['SCRIPT', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET',
    'BASE', 'META', 'LINK', 'STYLE', 'FORM', 'INPUT', 'BUTTON', 'TEXTAREA', 'SVG', 'MATH',
    'TEMPLATE', 'PORTAL', 'NOSCRIPT']);
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data',
    'srcdoc', 'poster', 'background', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'longdesc',
    'srcset', 'ping', 'manifest', 'icon', 'profile', 'usemap', 'classid', 'archive']);
  const BAD_SCHEMES = new Set(['javascript:', 'vbscript:', 'data:', 'livescript:', 'mocha:']);
  // The browser's own URL parser decides the scheme (it drops tabs and newlines anywhere and
  // C0 controls and spaces at the ends, exactly as when the link is followed).
  const scheme = (value) => {
    try { return new URL(value, 'https://base.invalid/').protocol.toLowerCase(); }
    catch (e) { return ''; }
  };
  const found = [];
  for (const frame of document.querySelectorAll('iframe')) {
    const index = Number(frame.dataset.index);
    let doc;
    try { doc = frame.contentDocument; }
    catch (e) { found.push([index, 'inaccessible']); continue; }
    if (!doc) { found.push([index, 'no document']); continue; }
    for (const el of doc.querySelectorAll('*')) {
      if (el.id === '__instr') continue;
      const tag = el.tagName.toUpperCase();
      if (SCRIPTY.has(tag)) found.push([index, 'element ' + tag]);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on')) found.push([index, 'attribute ' + name]);
        if (name === 'style') found.push([index, 'style attribute']);
        if (URL_ATTRS.has(name) || name.endsWith(':href')) {
          const values = name === 'srcset'
            ? attr.value.split(',').map((part) => part.trim().split(/\s+/)[0])
            : [attr.value];
          if (values.some((value) => BAD_SCHEMES.has(scheme(value)))) {
            found.push([index, name + '=' + attr.value.slice(0, 40)]);
          }
        }
      }
    }
  }
  return found;
}"""


def _payloads() -> list[str]:
    if not CORPUS_DIR.is_dir():
        skip_or_fail(f"the XSS corpora are missing at {CORPUS_DIR.resolve()}")
    payloads: list[str] = []
    for path in sorted(CORPUS_DIR.glob("*.json")):
        payloads.extend(json.loads(path.read_text())["payloads"])
    return payloads + OWN_PAYLOADS


def _run(browser, outputs: list[str]) -> tuple[set[int], list, list]:
    """Load every output; returns (indexes that executed, top-level hits, dangerous)."""
    context = browser.new_context(java_script_enabled=True)
    # No network: remote resources fail at once (which also fires onerror handlers).
    context.route("**/*", lambda route: route.abort())
    executed: set[int] = set()
    top_hits: list = []
    dangerous: list = []
    try:
        for start in range(0, len(outputs), BATCH):
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(d.type), d.dismiss()))
            page.set_content(PARENT_HTML)
            chunk = outputs[start : start + BATCH]
            docs = [INSTRUMENT % i + html for i, html in enumerate(chunk)]
            page.evaluate(LOAD_FRAMES, docs)
            for index, kind in page.evaluate("() => window.__hits"):
                if index == "top":
                    top_hits.append((start, kind))
                else:
                    executed.add(start + int(index))
            dangerous.extend((start + int(i), what) for i, what in page.evaluate(FIND_DANGEROUS))
            top_hits.extend((start, f"dialog {kind}") for kind in dialogs)
            page.close()
    finally:
        context.close()
    return executed, top_hits, dangerous


@pytest.fixture(scope="module")
def payloads():
    return _payloads()


def test_corpora_are_complete(payloads):
    assert len(payloads) >= 2300


def test_sanitised_pipeline_executes_nothing_and_leaves_nothing_dangerous(browser, payloads):
    outputs = [markdown_render_safe(p) for p in payloads]

    executed, top_hits, dangerous = _run(browser, outputs)

    details = [f"{payloads[i][:80]!r} -> {outputs[i][:120]!r}" for i in sorted(executed)[:10]]
    assert not executed, f"{len(executed)} payloads executed:\n" + "\n".join(details)
    assert not top_hits
    examples = [f"{what}: {payloads[i][:80]!r}" for i, what in dangerous[:10]]
    assert not dangerous, f"{len(dangerous)} dangerous constructs:\n" + "\n".join(examples)


def test_positive_control_markdown_without_sanitiser_executes(browser, payloads):
    outputs = [markdown_render_unsafe(p) for p in payloads]

    executed, top_hits, dangerous = _run(browser, outputs)

    # About 200 execute on this stack (see the corpora's README): the oracle works.
    assert len(executed) + len(top_hits) >= 100
    assert len({i for i, _what in dangerous}) >= 1000
