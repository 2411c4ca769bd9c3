"""The demo page server: what `make run` passes to Rasa, and what it serves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from actions.content import load_content
from ops.processes import Server, free_port, wait_until_healthy
from ops.web_server import allowed_origins, content_security_policy, start_web_server

HOSTILE_RASA_URL = 'http://127.0.0.1:1/"><script>alert(1)</script>'


def test_allowed_origins_keep_configured_ones_and_add_the_demo_page() -> None:
    env = {"ALLOWED_ORIGINS": "https://www.hospital.org, http://localhost:8080"}
    assert allowed_origins(env, 8080) == (
        "https://www.hospital.org,http://localhost:8080,http://127.0.0.1:8080"
    )
    assert allowed_origins({}, 9000) == "http://localhost:9000,http://127.0.0.1:9000"


def test_policy_allows_only_the_rasa_server_to_be_contacted() -> None:
    policy = content_security_policy("https://bot.example.org")
    assert "connect-src https://bot.example.org wss://bot.example.org" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    port = free_port()
    log = tmp_path_factory.mktemp("web") / "web.log"
    server = start_web_server(port, {"RASA_URL": HOSTILE_RASA_URL}, log)
    try:
        wait_until_healthy(server.health_url, server.process, timeout=30)
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_demo_page_embeds_the_widget_with_escaped_values(web: tuple[Server, str]) -> None:
    _, url = web
    response = requests.get(f"{url}/", timeout=5)
    assert response.status_code == 200
    page = response.text
    assert '<script src="/spine-mri-chat.js"' in page
    assert f'data-phone="{load_content().hospital["phone"]}"' in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_serves_the_bundle_and_nothing_else(web: tuple[Server, str]) -> None:
    _, url = web
    bundle = requests.get(f"{url}/spine-mri-chat.js", timeout=5)
    assert bundle.status_code == 200
    assert bundle.headers["Content-Type"].startswith("text/javascript")
    for path in ("/../Makefile", "/web/package.json", "/ops/web_server.py"):
        assert requests.get(f"{url}{path}", timeout=5).status_code == 404, path
