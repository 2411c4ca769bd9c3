"""The insights server never loads Rasa or TensorFlow: it reads the WordLlama table
through components/embeddings.py, the loader the NLU components use as well."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from project import PROJECT_ROOT
from tests.insights.conftest import fresh_store
from tests.insights.seed import seeded_rows
from tests.insights.server import TOKEN

FORBIDDEN = ("rasa", "rasa_sdk", "tensorflow", "keras")

# Everything the server does (a store read, the content gaps grouped with the word
# embeddings, every page and CSV file), then the top-level packages it loaded.
SERVE_EVERY_PAGE = """
import json, sys, time
from insights.server import InsightsApp

url, token = sys.argv[1:3]
app = InsightsApp(url, token, 30 * 86400.0)
now = time.time()
app.warm_up(now)
headers = {"Authorization": "Bearer " + token}
pages = ["/", "/gaps", "/conversations", "/overview.csv", "/gaps.csv", "/conversations.csv"]
statuses = [int(app.respond(page, headers, now).status) for page in pages]
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"statuses": statuses, "loaded": loaded}))
"""


def test_the_insights_server_loads_neither_rasa_nor_tensorflow(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    fresh_store(url, seeded_rows()).dispose()
    finished = subprocess.run(
        [sys.executable, "-c", SERVE_EVERY_PAGE, url, TOKEN],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    report = json.loads(finished.stdout.strip().splitlines()[-1])
    assert report["statuses"] == [200] * 6
    assert "components" in report["loaded"] and "tokenizers" in report["loaded"]
    assert sorted(set(FORBIDDEN) & set(report["loaded"])) == []


def test_the_nlu_component_reads_the_table_with_the_same_loader() -> None:
    from components import embeddings, nearest_examples, word_embeddings

    assert word_embeddings.load_embeddings is embeddings.load_embeddings
    assert nearest_examples.load_embeddings is embeddings.load_embeddings
