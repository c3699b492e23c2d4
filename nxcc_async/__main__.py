"""``python -m nxcc_async``: the ``nxcc`` command."""

import sys

from nxcc_async.cli import main

if __name__ == "__main__":
    sys.exit(main())
