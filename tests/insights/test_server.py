"""The insights server over HTTP: access, headers, and its numbers against the seeded store."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import requests

from insights.report import Link, Table
from insights.server import csv_bytes, ensure_token, staff_link
from tests.insights.pages import shown, tables
from tests.insights.seed import EXPECTED, EXPECTED_DAILY, EXPECTED_GAPS, EXPECTED_TWILIO
from tests.insights.server import Site

PAGES = ("/", "/gaps", "/conversations", "/overview.csv?table=summary", "/gaps.csv")


def test_refused_without_the_token(site: Site) -> None:
    for path in PAGES:
        response = requests.get(site.url + path, timeout=30)
        assert response.status_code == 401, path
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Sign-in needed" in response.text
    wrong = {"Authorization": "Bearer not-the-token-at-all"}
    assert requests.get(site.url + "/", headers=wrong, timeout=30).status_code == 401
    refused = requests.get(site.url + "/?token=wrong", allow_redirects=False, timeout=30)
    assert refused.status_code == 401 and "Set-Cookie" not in refused.headers
    assert requests.get(site.url + "/health", timeout=30).status_code == 200


def test_the_link_sets_a_strict_http_only_cookie(site: Site) -> None:
    session = requests.Session()
    response = session.get(
        f"{site.url}/gaps?token={site.token}&channel=rest", allow_redirects=False, timeout=30
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/gaps?channel=rest"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert site.token not in cookie
    assert session.get(site.url + "/gaps?channel=rest", timeout=30).status_code == 200


def test_security_headers(site: Site) -> None:
    headers = site.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert headers["Cache-Control"] == "no-store"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_listens_on_loopback_only(site: Site) -> None:
    listening = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if state == "0A" and int(port, 16) == site.port:
            listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1


def test_overview_shows_the_stored_numbers(site: Site) -> None:
    page = tables(site.get("/").text)
    assert {row[0]: row[1] for row in page["summary"][1:]} == {
        name: shown(value) for name, value in EXPECTED.items()
    }
    daily = {row[0]: (int(row[1]), int(row[2])) for row in page["daily"][1:]}
    for days_ago, counts in EXPECTED_DAILY.items():
        assert daily[(date.today() - timedelta(days=days_ago)).isoformat()] == counts
    twilio = tables(site.get("/?channel=twilio").text)
    assert {row[0]: row[1] for row in twilio["summary"][1:]} == {
        name: shown(value) for name, value in EXPECTED_TWILIO.items()
    }


def test_every_table_exports_as_csv(site: Site) -> None:
    overview = tables(site.get("/").text)
    for name, rows in overview.items():
        response = site.get(f"/overview.csv?table={name}")
        assert response.headers["Content-Type"].startswith("text/csv")
        exported = list(csv.reader(io.StringIO(response.text)))
        assert exported[0] == rows[0], name
        assert len(exported) == len(rows), name
    summary = list(csv.reader(io.StringIO(site.get("/overview.csv?table=summary").text)))
    assert summary[1:] == [
        [name, "" if value is None else str(value)] for name, value in EXPECTED.items()
    ]


def test_gaps_page_groups_the_unanswered_messages(site: Site) -> None:
    html = site.get("/gaps").text
    for text in EXPECTED_GAPS:
        assert text in html
    themes = list(csv.DictReader(io.StringIO(site.get("/gaps.csv?table=themes").text)))
    assert sum(int(theme["Messages"]) for theme in themes) == len(EXPECTED_GAPS)
    reasons = {"Fallback": 1, "Out of scope": 1, "Not helpful": 2}
    for column, count in reasons.items():
        assert sum(int(theme[column]) for theme in themes) == count


def test_conversations_and_a_transcript(site: Site) -> None:
    page = site.get("/conversations").text
    rows = tables(page)["conversations"][1:]
    assert len(rows) == EXPECTED["Conversations"]
    refs = [row[0] for row in rows]
    transcripts = {ref: site.get(f"/conversations/{ref}").text for ref in refs}
    parking = [ref for ref, html in transcripts.items() if "where do I park my car" in html]
    assert len(parking) == 1
    assert "vote: not helpful" in transcripts[parking[0]]
    assert site.get("/conversations/000000000000").status_code == 404
    for html in [page, *transcripts.values()]:
        assert "sender-" not in html  # stored ids are never shown
    crises = tables(site.get("/conversations?show=red_flags").text)["conversations"][1:]
    assert len(crises) == 2


def test_csv_files_are_sent_as_they_are_written(site: Site) -> None:
    """A CSV file is streamed (no length, the connection's end ends it); pages are not."""
    response = site.get("/conversations.csv")
    assert response.status_code == 200 and "Content-Length" not in response.headers
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:2] == ["Conversation", "Last message"]
    assert len(rows) == 1 + EXPECTED["Conversations"]
    assert sum(int(row[3]) for row in rows[1:]) == EXPECTED["Patient messages"]
    bearer = {"Authorization": f"Bearer {site.token}"}
    head = requests.head(site.url + "/conversations.csv", headers=bearer, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert site.get("/conversations").headers["Content-Length"].isdigit()


def test_csv_cells_never_start_a_formula() -> None:
    table = Table("t", "t", ("a", "b"), (("=HYPERLINK(1)", 1), (Link("x", "/y"), None)))
    assert csv_bytes(table).decode().splitlines() == ["a,b", "'=HYPERLINK(1),1", "x,"]


def test_a_token_is_generated_once_into_a_private_file(tmp_path: Path) -> None:
    env = {"INSIGHTS_TOKEN_FILE": str(tmp_path / "var" / "insights-token")}
    token = ensure_token(env)
    path = Path(env["INSIGHTS_TOKEN_FILE"])
    assert len(token) >= 32 and path.stat().st_mode & 0o777 == 0o600
    assert ensure_token(env) == token
    assert ensure_token({**env, "INSIGHTS_TOKEN": "x" * 16}) == "x" * 16
    assert token in staff_link(8090, env) and staff_link(8090, env).startswith("http://localhost")
    with pytest.raises(SystemExit):
        ensure_token({**env, "INSIGHTS_TOKEN": "short"})
