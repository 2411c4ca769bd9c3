"""`make insights`: the insights page alone, with the link (and its token) printed."""

import sys

from insights.server import main

sys.exit(main(["--print-link", *sys.argv[1:]]))
