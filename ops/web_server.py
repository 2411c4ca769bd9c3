"""Serves the demo hospital page with the chat widget embedded (`make run`, browser tests).

A deliberately tiny static server: three fixed paths, no directory listing,
bound to 127.0.0.1. The page is filled in per request from the environment
(Rasa URL) and the content file (hospital name and phone), so the widget's
offline notice shows the deployment's real phone number. The page is served
with a strict Content-Security-Policy, which the widget must work under:
no inline script or style, connections only to the Rasa server.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import os
import sys
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

from actions.content import load_content
from ops.processes import Server, ServerSpec, start
from project import PROJECT_ROOT

WEB_DIR = PROJECT_ROOT / "web"
BUNDLE = WEB_DIR / "dist" / "spine-mri-chat.js"
DEMO_PAGE = WEB_DIR / "demo" / "index.html"
STATIC_FILES = {
    "/spine-mri-chat.js": (BUNDLE, "text/javascript; charset=utf-8"),
    "/demo.css": (WEB_DIR / "demo" / "demo.css", "text/css; charset=utf-8"),
}
DEFAULT_WEB_PORT = 8080


def rasa_url_from_env(env: Mapping[str, str] = os.environ) -> str:
    """RASA_URL if set, else the local Rasa server on RASA_PORT (what `make run` starts)."""
    return env.get("RASA_URL") or f"http://localhost:{env.get('RASA_PORT', '5005')}"


def demo_origins(port: int) -> list[str]:
    """The browser origins of the demo page, which the Rasa server must accept."""
    return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def allowed_origins(env: Mapping[str, str], web_port: int) -> str:
    """ALLOWED_ORIGINS for the Rasa server: those already configured plus the demo page's."""
    configured = [origin.strip() for origin in env.get("ALLOWED_ORIGINS", "").split(",")]
    return ",".join(dict.fromkeys(o for o in [*configured, *demo_origins(web_port)] if o))


def content_security_policy(rasa_url: str) -> str:
    websocket_url = "ws" + rasa_url.removeprefix("http")
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src {rasa_url} {websocket_url}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def render_demo_page(rasa_url: str) -> bytes:
    """The demo page with the Rasa URL and the content file's hospital details, escaped."""
    hospital = load_content().hospital
    values = {
        "rasa_url": rasa_url,
        "hospital_name": hospital["name"],
        "phone": hospital["phone"],
        "phone_digits": "".join(c for c in hospital["phone"] if c.isdigit() or c == "+"),
    }
    escaped = {key: html.escape(value, quote=True) for key, value in values.items()}
    return Template(DEMO_PAGE.read_text(encoding="utf-8")).substitute(escaped).encode()


class DemoHandler(BaseHTTPRequestHandler):
    """GET/HEAD for the page, its stylesheet and the widget bundle; 404 for anything else."""

    rasa_url = "http://localhost:5005"
    server_version = "spine-mri-demo"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            body, content_type = render_demo_page(self.rasa_url), "text/html; charset=utf-8"
        elif path == "/favicon.ico":
            self.send_response(HTTPStatus.NO_CONTENT)
            self.end_headers()
            return
        elif path in STATIC_FILES:
            file, content_type = STATIC_FILES[path]
            body = file.read_bytes()
        else:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", content_security_policy(self.rasa_url))
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def serve(port: int, rasa_url: str) -> None:
    """Serve until interrupted; refuses to start without a built bundle."""
    if not BUNDLE.exists():
        raise SystemExit(f"{BUNDLE} is missing: run `make web` first")
    handler = type("ConfiguredDemoHandler", (DemoHandler,), {"rasa_url": rasa_url})
    with ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        httpd.serve_forever()


def web_server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "ops.web_server", "--port", str(port)]


def web_server_spec(port: int, env: dict[str, str]) -> ServerSpec:
    """The demo page server; env may carry RASA_URL or RASA_PORT."""
    return ServerSpec("web server", web_server_command(port), f"http://127.0.0.1:{port}/", env)


def start_web_server(port: int, env: dict[str, str], log_path: Path | None = None) -> Server:
    return start(web_server_spec(port, env), log_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("WEB_PORT", DEFAULT_WEB_PORT))
    )
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        serve(args.port, rasa_url_from_env())
    return 0


if __name__ == "__main__":
    sys.exit(main())
