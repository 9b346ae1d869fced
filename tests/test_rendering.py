"""Markdown from banks is rendered and sanitised; pages autoescape everything else."""

from __future__ import annotations

from quiz.domain.rendering import markdown, markdown_inline, plural


def test_markdown_is_rendered_and_sanitised():
    html = str(markdown("**bold** <script>alert(1)</script> [x](javascript:alert(1))"))
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html


def test_inline_markdown_has_no_blocks():
    html = str(markdown_inline("A *b*\n\nsecond <img src=x onerror=alert(1)>"))
    assert "<em>b</em>" in html and "<p>" not in html
    assert "<img" not in html and "&lt;img" in html  # shown as text, never a tag


def test_counts_agree_with_their_nouns():
    assert plural(1, "attempt") == "1 attempt"
    assert plural(0, "attempt") == "0 attempts" and plural(2, "attempt") == "2 attempts"
    assert plural(3, "analysis", "analyses") == "3 analyses"


def test_display_name_is_escaped_everywhere(client):
    from tests.helpers import start_practice

    attempt_id = start_practice(client, '<script>alert("x")</script>')
    home = client.get("/").get_data(as_text=True)
    assert "<script>alert" not in home and "&lt;script&gt;" in home
    question = client.get(f"/attempts/{attempt_id}/q/1")
    assert question.status_code == 200
    assert "<script>alert" not in question.get_data(as_text=True)


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_pages_get_a_friendly_404(client):
    response = client.get("/attempts/999/q/1")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_cookies_are_httponly_lax_and_secure_over_https(client):
    from tests.helpers import start_practice

    start_practice(client)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    secure = client.application.test_client()
    secure.get("/", base_url="https://quiz.example.org")
    home = secure.get("/", base_url="https://quiz.example.org").get_data(as_text=True)
    from tests.helpers import csrf

    secure.post(
        "/practice/ice-assaults-500",
        data={"csrf_token": csrf(home), "display_name": "Sam"},
        base_url="https://quiz.example.org",
    )
    assert secure.get_cookie("session", domain="quiz.example.org").secure
