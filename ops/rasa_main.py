"""The `rasa` command with the project's runtime speed-ups installed (ops/speedups.py).

ops.processes starts the Rasa server as ``python -m ops.rasa_main run ...``. The
speed-ups are installed at import, so Sanic worker processes, which import this
module again, get them too.
"""

from __future__ import annotations

import sys

from ops import speedups

speedups.install()

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.exit(main())
