"""The insights page for the hospital's staff: what patients ask and what the document misses.

A small web app (insights/server.py, port 8090, token required) that reads the
tracker store, SQLite or PostgreSQL (insights/store.py), keeps what its pages
need of each stored message in memory (insights/index.py), and shows for a
period and channel: conversations and messages per day, answers per topic, the
did-you-mean, fallback and out-of-scope rates, emergency and crisis replies,
hand-off requests and feedback per topic (insights/report.py, with SVG charts
from insights/charts.py); the content gaps, i.e. unanswered messages grouped into
themes with their nearest topic (insights/gaps.py); conversations and their
transcripts; and every table as CSV. insights/synthetic.py and insights/demo.py
make the 100,000-conversation demo that `make insights-demo` measures.
docs/insights.md tells staff how to read it.
"""
