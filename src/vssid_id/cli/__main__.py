"""``python -m vssid_id.cli``: the same as ``vssid-scan``."""

import sys

from .scan import main

sys.exit(main())
