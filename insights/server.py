"""The insights page's web server: `make run` supervises it, `make insights` runs it alone.

Python's own ThreadingHTTPServer, as for the demo page (ops/web_server.py): a
handful of staff use it, every page is computed in milliseconds from memory, and
the work is CPU-bound numpy that Sanic's event loop would only wrap. It listens
on 127.0.0.1 (INSIGHTS_HOST to change) at INSIGHTS_PORT (8090). A CSV file is
sent in pieces as it is written (HTTP/1.0: the end of the connection ends it), so
its first bytes leave at once, even for the file of every conversation.

Access needs the token INSIGHTS_TOKEN, or when it is unset the one `make run`
writes to var/insights-token (mode 0600). A browser opens the printed link
``/?token=…`` once: the server answers with an HttpOnly, SameSite=Strict session
cookie (an HMAC of the token, not the token) and redirects to the same page
without the token. Scripts send ``Authorization: Bearer <token>``. Anything else
gets 401. Every response forbids scripts, frames and third-party requests
(Content-Security-Policy) and caching (``no-store``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import hmac
import io
import itertools
import math
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from email.message import Message
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

import jinja2
import numpy as np
from markupsafe import Markup

from actions.content import Content, load_content
from insights import charts, gaps, report, store
from insights.index import InsightsIndex, ref_key
from insights.report import Column, ColumnRows, Filters, Link, Table
from ops.processes import ServerSpec
from privacy.settings import retention_days, tracker_store_url
from project import PROJECT_ROOT

DEFAULT_INSIGHTS_PORT = 8090
DEFAULT_HOST = "127.0.0.1"
TOKEN_FILE = PROJECT_ROOT / "var" / "insights-token"
MIN_TOKEN_CHARS = 16
COOKIE = "insights_session"
# A CSV cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = frozenset("=+-@\t\r")
PAGE_SIZE = 50
# A CSV file is sent in pieces of this many rows: its first bytes leave at once.
CSV_CHUNK_ROWS = 5_000
THEMES_SHOWN = 30
HERE = Path(__file__).parent
STYLESHEET = HERE / "static" / "insights.css"
NAV = (("/", "Overview"), ("/gaps", "Content gaps"), ("/conversations", "Conversations"))
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join(
        [
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


# A request's headers: http.server's (names in any case) or a plain mapping.
Headers = Message | Mapping[str, str]

# --- the token ----------------------------------------------------------------


def token_file(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("INSIGHTS_TOKEN_FILE") or TOKEN_FILE)


def ensure_token(env: Mapping[str, str] = os.environ) -> str:
    """INSIGHTS_TOKEN, else the token file's, else a new random one written there (0600)."""
    token = env.get("INSIGHTS_TOKEN", "").strip()
    path = token_file(env)
    if not token and path.exists():
        token = path.read_text(encoding="utf-8").strip()
    if not token:
        token = secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(token + "\n")
    if len(token) < MIN_TOKEN_CHARS:
        raise SystemExit(f"INSIGHTS_TOKEN must be at least {MIN_TOKEN_CHARS} characters")
    return token


def session_value(token: str) -> str:
    """The cookie's value: proves the token was given without being the token."""
    return hmac.new(token.encode(), b"insights session", hashlib.sha256).hexdigest()


def link(port: int, token: str, host: str = DEFAULT_HOST) -> str:
    """The URL staff open (it carries the token once; the cookie takes over)."""
    shown = "localhost" if host in (DEFAULT_HOST, "0.0.0.0", "::") else host
    return f"http://{shown}:{port}/?{urlencode({'token': token})}"


def staff_link(port: int, env: Mapping[str, str] = os.environ) -> str:
    """The link `make run` prints, for the host and token the server will use."""
    return link(port, ensure_token(env), env.get("INSIGHTS_HOST") or DEFAULT_HOST)


# --- responses ------------------------------------------------------------------


@dataclass
class Response:
    """A page or file; a CSV file's body is sent in pieces as it is written (``stream``)."""

    status: HTTPStatus
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterable[bytes] | None = None


def csv_chunks(table: Table, rows_per_chunk: int = CSV_CHUNK_ROWS) -> Iterator[bytes]:
    """A table as CSV (the csv module's "excel" dialect), in pieces of rows_per_chunk rows,
    the header row first.

    A text cell that a spreadsheet would run as a formula is quoted with a leading
    apostrophe (patients' words are untrusted); numbers are written as they are, None
    as an empty cell. Columns are checked whole first: when no cell needs a change or
    quotes (the CSV file of every conversation: 100,000 rows), the rows are joined as
    they are, without the csv module's work per cell.
    """
    fields = _fields_as_they_are(table)
    if fields is None:
        yield from _csv_module_chunks(table, rows_per_chunk)
        return
    lines = map(",".join, zip(*fields, strict=True))
    text = _csv_line(table.columns)
    while chunk := list(itertools.islice(lines, rows_per_chunk)):
        yield (text + "\r\n".join(chunk) + "\r\n").encode("utf-8")
        text = ""
    if text:  # no rows
        yield text.encode("utf-8")


def _csv_module_chunks(table: Table, rows_per_chunk: int) -> Iterator[bytes]:
    """csv_chunks through the csv module, each text cell checked when a column needs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    text = table.text_columns
    rows: Iterable[Sequence[object]] = table.rows
    if not all(_TextCheck.of(table.column(index)).plain for index in range(text)):
        rows = ([*map(_csv_text, row[:text]), *row[text:]] for row in table.rows)
    pending = iter(rows)
    while True:
        writer.writerows(itertools.islice(pending, rows_per_chunk))
        if not buffer.tell():
            return
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def _csv_line(cells: Sequence[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def csv_bytes(table: Table) -> bytes:
    """A table as one CSV file (csv_chunks joined)."""
    return b"".join(csv_chunks(table))


# A cell starting a formula, in a text column joined with a line break before each cell.
_FORMULA = re.compile("\n[" + re.escape("".join(sorted(FORMULA_STARTS))) + "]")
# What else makes the csv module quote a cell (QUOTE_MINIMAL, the excel dialect), but
# the line break, which is counted.
_QUOTED = re.compile('[,"\r]')
# Decimal strings of small whole numbers, looked up rather than written one by one.
_DECIMALS = np.array([str(number) for number in range(10_000)], dtype=object)


@dataclass(frozen=True)
class _TextCheck:
    """Of a column: whether it is only text, none of which starts a formula (it is then
    written unchanged), and whether moreover no cell needs quotes.

    The cells are joined once and the joined text searched: a column of 100,000 cells
    is then checked in milliseconds. A line break inside a cell can only make a formula
    seem to start: the cells are then rewritten one by one, which leaves them as they are.
    """

    plain: bool
    unquoted: bool

    @classmethod
    def of(cls, cells: Column) -> _TextCheck:
        if not len(cells):
            return cls(True, True)
        try:
            joined = "\n" + "\n".join(cells)  # type: ignore[arg-type]
        except TypeError:  # a cell that is not text
            return cls(False, False)
        plain = not _FORMULA.search(joined)
        breaks = joined.count("\n") != len(cells)
        return cls(plain, plain and not breaks and not _QUOTED.search(joined))


def _fields_as_they_are(table: Table) -> list[Sequence[str]] | None:
    """Each column's cells as the csv module would write them, if a table kept as columns
    has only integer arrays and text that needs neither a change nor quotes; else None."""
    rows = table.rows
    # (A row of one empty cell is written as "", which joining would not do.)
    if not isinstance(rows, ColumnRows) or len(rows.columns) < 2:
        return None
    fields: list[Sequence[str]] = []
    for column in rows.columns:
        if isinstance(column, np.ndarray) and column.dtype.kind in "iu":
            fields.append(_decimal_strings(column))
        elif _TextCheck.of(column).unquoted:
            fields.append(cast(Sequence[str], column))
        else:
            return None
    return fields


def _decimal_strings(numbers: np.ndarray) -> list[str]:
    if not numbers.size or (numbers.min() >= 0 and numbers.max() < len(_DECIMALS)):
        decimals: list[str] = _DECIMALS[numbers].tolist()
        return decimals
    return [str(number) for number in numbers.tolist()]


def _csv_text(cell: object) -> object:
    if isinstance(cell, str):
        return "'" + cell if cell[:1] in FORMULA_STARTS else cell
    return cell.text if isinstance(cell, Link) else cell


def _cell(value: object) -> object:
    """How a table cell reads on the page."""
    if value is None:
        return "–"
    if isinstance(value, Link):
        return Markup('<a href="{}">{}</a>').format(value.href, value.text)
    if isinstance(value, float):
        return f"{value:g}"  # rounded where computed: 9.1 (%), 0.55 (similarity), 100
    return value


class InsightsApp:
    """Routes a request to a page, a CSV file or a refusal; independent of the HTTP server."""

    def __init__(
        self,
        engine_url: str,
        token: str,
        retention_seconds: float,
        content: Content | None = None,
        embed: gaps.Embed = gaps.wordllama_embed,
    ) -> None:
        self.token = token
        self.content = content or load_content()
        self.retention_seconds = retention_seconds
        self.engine = store.connect(engine_url)
        self.index = InsightsIndex(self.engine, self.content, retention_seconds, ref_key(token))
        self.embed = CachedEmbed(embed)
        self._topic_vectors: dict[str, np.ndarray] | None = None
        self.ready = threading.Event()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters["cell"] = _cell

    # --- access ---

    def authorised(self, headers: Headers) -> bool:
        bearer = headers.get("Authorization", "")
        if bearer.startswith("Bearer ") and hmac.compare_digest(
            bearer[7:].strip().encode(), self.token.encode()
        ):
            return True
        cookie: SimpleCookie = SimpleCookie()
        with contextlib.suppress(Exception):
            cookie.load(headers.get("Cookie", ""))
        session = cookie.get(COOKIE)
        return session is not None and hmac.compare_digest(
            session.value.encode(), session_value(self.token).encode()
        )

    def respond(self, target: str, headers: Headers, now: float) -> Response:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        path = parts.path
        if path == "/health":
            return Response(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8")
        if path == "/ready":
            ready = self.ready.is_set()
            status = HTTPStatus.OK if ready else HTTPStatus.SERVICE_UNAVAILABLE
            return Response(status, b"ready\n" if ready else b"warming up\n", "text/plain")
        if path == "/insights.css":
            return Response(HTTPStatus.OK, STYLESHEET.read_bytes(), "text/css; charset=utf-8")
        if path == "/favicon.ico":
            return Response(HTTPStatus.NO_CONTENT)
        if "token" in query:
            return self._sign_in(path, query)
        if not self.authorised(headers):
            return self._refused()
        return self._page(path, query, now)

    def _sign_in(self, path: str, query: dict[str, str]) -> Response:
        """A right token in the link: set the session cookie and drop the token from the URL."""
        if not hmac.compare_digest(query.pop("token").encode(), self.token.encode()):
            return self._refused()
        cookie = f"{COOKIE}={session_value(self.token)}; HttpOnly; SameSite=Strict; Path=/"
        location = path + (f"?{urlencode(query)}" if query else "")
        return Response(HTTPStatus.SEE_OTHER, headers={"Set-Cookie": cookie, "Location": location})

    def _refused(self) -> Response:
        body = (HERE / "templates" / "refused.html").read_bytes()
        headers = {"WWW-Authenticate": 'Bearer realm="insights"'}
        return Response(HTTPStatus.UNAUTHORIZED, body, headers=headers)

    # --- pages ---

    def _page(self, path: str, query: dict[str, str], now: float) -> Response:
        as_csv = path.endswith(".csv")
        page = path.removesuffix(".csv")
        page = "/" if page == "/overview" else page
        snapshot = self.index.refresh(now)
        filters = Filters.parse(query, now, self.retention_seconds)
        context: dict[str, Any] = {"filters": filters, "current": page}
        if page == "/":
            tables = report.overview(snapshot, filters, self.content)
            extra: dict[str, Any] = {"heading": "Overview"}
        elif page == "/gaps":
            tables, extra = self._gaps(snapshot, filters, as_csv)
        elif page == "/conversations":
            tables, extra = self._conversations(snapshot, filters, query, as_csv)
        elif page.startswith("/conversations/"):
            found = self._transcript(page.removeprefix("/conversations/"), filters)
            if found is None:
                return self._not_found("No stored conversation has this reference.")
            tables, extra = found
            context["filters"] = None
        else:
            return self._not_found("There is no such page.")
        if as_csv:
            return self._csv(tables, query.get("table", ""), filters)
        context.update(extra)
        return self._render(page, snapshot, filters, tables, context)

    def warm_up(self, now: float) -> None:
        """Read the store and group its gaps once, before the first page view: the
        first read parses every stored message, and the first grouping loads the word
        embeddings and embeds every distinct gap."""
        snapshot = self.index.refresh(now)
        self._themes(snapshot, Filters.parse({}, now, self.retention_seconds))
        self.ready.set()

    def _themes(self, snapshot: Any, filters: Filters) -> list[gaps.Theme]:
        if self._topic_vectors is None:
            self._topic_vectors = gaps.topic_vectors(self.content, self.embed)
        selected = report.Selection(snapshot, filters).gaps()
        return gaps.group(selected, self.embed, self._topic_vectors)

    def _gaps(self, snapshot: Any, filters: Filters, as_csv: bool) -> tuple[dict, dict]:
        themes = self._themes(snapshot, filters)
        shown = themes if as_csv else themes[:THEMES_SHOWN]
        table = report.themes_table(shown, self.content)
        extra = {
            "heading": "Content gaps",
            "themes": shown,
            "more": len(themes) - len(shown),
            "refs": snapshot.refs,
        }
        return {"themes": table}, extra

    def _conversations(
        self, snapshot: Any, filters: Filters, query: dict[str, str], as_csv: bool
    ) -> tuple[dict, dict]:
        show = query.get("show", "all")
        show = show if show in report.CONVERSATION_FILTERS else "all"
        page = max(_int(query.get("page")), 0)
        selection = report.Selection(snapshot, filters)
        table, total = report.conversation_table(
            selection, show, None if as_csv else page, PAGE_SIZE
        )
        pages = max(math.ceil(total / PAGE_SIZE), 1)
        base = {**filters.query(), "show": show}
        extra = {
            "heading": "Conversations",
            "show": show,
            "shows": report.CONVERSATION_FILTERS,
            "total": total,
            "page": min(page, pages - 1),
            "pages": pages,
            "page_href": lambda n: "/conversations?" + urlencode({**base, "page": n}),
        }
        return {"conversations": table}, extra

    def _transcript(self, ref: str, filters: Filters) -> tuple[dict, dict] | None:
        sender = self.index.sender_of(ref)
        rows = store.conversation_rows(self.engine, sender, filters.since) if sender else []
        if not rows:
            return None
        table = report.transcript(rows, self.content)
        return {"transcript": table}, {"heading": f"Conversation {ref}", "ref": ref}

    def _csv(self, tables: dict[str, Table], name: str, filters: Filters) -> Response:
        table = tables.get(name) or next(iter(tables.values()))
        period = f"{filters.start.isoformat()}_{filters.end.isoformat()}"
        filename = f"insights-{table.name}-{period}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(
            HTTPStatus.OK,
            content_type="text/csv; charset=utf-8",
            headers=headers,
            stream=csv_chunks(table),
        )

    def _render(
        self,
        page: str,
        snapshot: Any,
        filters: Filters,
        tables: dict[str, Table],
        context: dict[str, Any],
    ) -> Response:
        query = context["filters"].query() if context.get("filters") else {}
        query_string = f"?{urlencode(query)}" if query else ""
        csv_query = {**query, **({"show": context["show"]} if "show" in context else {})}
        csv_path = "/overview.csv" if page == "/" else f"{page}.csv"
        template = {
            "/": "overview.html",
            "/gaps": "gaps.html",
            "/conversations": "conversations.html",
        }.get(page, "transcript.html")
        body = self.templates.get_template(template).render(
            **context,
            tables=tables,
            charts=_charts(tables) if page == "/" else {},
            nav=NAV,
            hospital=self.content.hospital["name"],
            channels=snapshot.channels,
            today=date.fromtimestamp(time.time()).isoformat(),
            retention_days=f"{self.retention_seconds / 86400:g}",
            query_string=query_string,
            title=lambda topic_id: report.topic_title(self.content, topic_id),
            csv=lambda name: f"{csv_path}?" + urlencode({**csv_query, "table": name}),
        )
        return Response(HTTPStatus.OK, body.encode("utf-8"))

    def _not_found(self, message: str) -> Response:
        body = self.templates.get_template("not_found.html").render(
            heading="Not found",
            message=message,
            filters=None,
            current="",
            nav=NAV,
            hospital=self.content.hospital["name"],
            query_string="",
        )
        return Response(HTTPStatus.NOT_FOUND, body.encode("utf-8"))


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _charts(tables: dict[str, Table]) -> dict[str, Any]:
    """The overview's charts, each drawn from the table printed under it."""

    def column(table: Table, index: int) -> list:
        return [row[index] for row in table.rows]

    days = [str(day)[5:] for day in column(tables["daily"], 0)]
    topics = tables["topics"]
    return {
        "daily": charts.line_chart(
            "daily-chart",
            "Conversations and patient messages per day",
            days,
            {
                "Conversations": column(tables["daily"], 1),
                "Patient messages": column(tables["daily"], 2),
            },
        ),
        "topics": charts.bar_chart(
            "topics-chart",
            "Document answers per topic",
            [str(title) for title in column(topics, 0)],
            column(topics, 1),
        ),
        "rates": charts.line_chart(
            "rates-chart",
            "Did-you-mean, fallback and out-of-scope rates per day",
            days,
            {
                "Did you mean": column(tables["rates"], 3),
                "Fallback": column(tables["rates"], 5),
                "Out of scope": column(tables["rates"], 7),
            },
            unit=" %",
        ),
        "red_flags": charts.line_chart(
            "red-flags-chart",
            "Emergency and crisis replies per day",
            days,
            {
                "Emergency replies": column(tables["red_flags_daily"], 1),
                "Crisis replies": column(tables["red_flags_daily"], 2),
            },
        ),
        "handoffs": charts.line_chart(
            "handoffs-chart",
            "Hand-off requests per day",
            days,
            {"Hand-off requests": column(tables["handoffs"], 1)},
        ),
    }


class CachedEmbed:
    """Sentence vectors remembered by text: the same gaps are grouped on every view."""

    MAX_ENTRIES = 200_000

    def __init__(self, embed: gaps.Embed) -> None:
        self._embed = embed
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, texts: Any) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            if len(self._vectors) + len(missing) > self.MAX_ENTRIES:
                self._vectors.clear()
            self._vectors.update(zip(missing, self._embed(missing), strict=True))
        return np.stack([self._vectors[text] for text in texts])


# --- HTTP -------------------------------------------------------------------------


class InsightsHandler(BaseHTTPRequestHandler):
    """GET and HEAD only; the app decides everything else."""

    app: InsightsApp
    server_version = "spine-mri-insights"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        response = self.app.respond(self.path, self.headers, time.time())
        self.send_response(response.status)
        headers = {**SECURITY_HEADERS, **response.headers}
        if response.status != HTTPStatus.NO_CONTENT:
            headers["Content-Type"] = response.content_type
            if response.stream is None:
                headers["Content-Length"] = str(len(response.body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not send_body:
            return
        # HTTP/1.0: the connection closes after every response, so a streamed body
        # needs no length (its end is the end of the connection).
        for piece in response.stream or [response.body]:
            if piece:
                self.wfile.write(piece)

    def log_message(self, format: str, *args: Any) -> None:
        """Log without the query string, which may carry the token."""
        request = str(args[0]).split("?", 1)[0] if args else ""
        sys.stderr.write(f"{self.address_string()} {request} {' '.join(map(str, args[1:]))}\n")


def serve(app: InsightsApp, host: str, port: int) -> None:
    """Serve until interrupted; the store is read once at start, off the request path."""
    handler = type("ConfiguredInsightsHandler", (InsightsHandler,), {"app": app})
    with ThreadingHTTPServer((host, port), handler) as httpd:
        warm_up = _warm_up(app)
        warm_up.start()
        httpd.serve_forever()


def _warm_up(app: InsightsApp) -> threading.Thread:
    def run() -> None:
        try:
            app.warm_up(time.time())
        except Exception as error:  # a store not reachable yet is read at the first view
            print(f"insights: the first read of the store failed: {error}", file=sys.stderr)

    return threading.Thread(target=run, name="insights-warm-up", daemon=True)


def app_from_env(env: Mapping[str, str] = os.environ) -> InsightsApp:
    return InsightsApp(tracker_store_url(env), ensure_token(env), retention_days(env) * 86_400.0)


def server_command(port: int) -> list[str]:
    return [sys.executable, "-m", "insights.server", "--port", str(port)]


def insights_server_spec(port: int, env: Mapping[str, str] = os.environ) -> ServerSpec:
    """The supervised insights server. Its token is created now when there is none, and
    read by the server from the file: a token never goes into supervisord's files."""
    ensure_token(env)
    return ServerSpec("insights server", server_command(port), f"http://127.0.0.1:{port}/health")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_port = int(os.environ.get("INSIGHTS_PORT", DEFAULT_INSIGHTS_PORT))
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--print-link", action="store_true", help="print the link with the token")
    args = parser.parse_args(argv)
    host = os.environ.get("INSIGHTS_HOST") or DEFAULT_HOST
    app = app_from_env()
    if args.print_link:
        print(f"Insights for staff: {staff_link(args.port)}", flush=True)
    print(f"insights: serving on {host}:{args.port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        serve(app, host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
