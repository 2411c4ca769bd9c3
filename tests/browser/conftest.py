"""Fixtures of the widget's browser tests: real servers, the demo page, Debian's Chromium.

One action server, Rasa server and demo page server run for the whole module
(starting Rasa dominates the run time); every test gets a fresh browser
context, i.e. a fresh sessionStorage and so a fresh conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ops.processes import free_port, wait_until_healthy
from ops.web_server import BUNDLE, demo_origins, start_web_server
from project import PROJECT_ROOT
from tests.browser.site import DESKTOP, Site, tampered_content
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.stack import running_stack

ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
# A waiting limit, not a target: the first turn of a cold Rasa on a loaded 2-core
# machine can take seconds. The latency target is asserted separately.
expect.set_options(timeout=20000)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `make web` first")
    workdir = tmp_path_factory.mktemp("browser-stack")
    content_file = tampered_content(workdir)
    web_port = free_port()
    extra_env = {
        "ALLOWED_ORIGINS": ",".join(demo_origins(web_port)),
        "CONTENT_FILE": str(content_file),
        # Every test browses from 127.0.0.1; the per-address limit is not under test here.
        "RATE_LIMIT_PER_IP_PER_MINUTE": "1000",
    }
    with running_stack(workdir, extra_env=extra_env) as stack:
        # A fresh Rasa spends about a second on its first NLU pass (TensorFlow
        # warm-up); a deployed server has long done that, so the latency target is
        # measured on a warm server.
        stack.say("warm-up", "hello")
        web = start_web_server(
            web_port,
            {"RASA_URL": stack.url, "CONTENT_FILE": str(content_file)},
            workdir / "web.log",
        )
        try:
            wait_until_healthy(web.health_url, web.process, timeout=30)
            yield Site(stack=stack, url=f"http://127.0.0.1:{web_port}/", content_file=content_file)
        finally:
            web.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get update && apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
