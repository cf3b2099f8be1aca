import pytest

from sops.rendering import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<p onclick="alert(1)">para</p>',
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_comes_out_inert(payload):
    html = render_markdown(f"Before\n\n{payload}\n\nAfter").html.lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "ontoggle",
        "javascript:",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<form",
        "<meta",
        "style=",
        "data:text",
    ):
        assert bad not in html, (payload, html)
    assert "before" in html  # the text around a payload is kept


def test_headings_get_anchors_and_a_table_of_contents():
    rendered = render_markdown(
        "## Scope\n\ntext\n\n## Steps\n\n1. Isolate\n2. Call\n\n### Порядок действий\n"
    )
    assert '<h2 id="scope">Scope</h2>' in rendered.html
    assert 'href="#steps"' in rendered.toc
    assert "Порядок действий" in rendered.toc
    assert "<ol>" in rendered.html


def test_tables_and_safe_links_survive():
    rendered = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n[WHO](https://www.who.int)")
    assert "<table>" in rendered.html
    assert 'href="https://www.who.int"' in rendered.html
    assert "noopener" in rendered.html


def test_plain_text_drops_markdown_marks_and_html():
    from sops.rendering import plain_text

    text = plain_text("## 2. Principles\n\n- **Treat** every <b>powder</b> as *dangerous* & report")
    assert "##" not in text and "**" not in text and "<b>" not in text
    assert "2. Principles" in text and "Treat every powder as dangerous & report" in text
