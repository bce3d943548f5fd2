"""``python -m aligner`` is ``ruzh-align``."""

import sys

from aligner.cli import main

sys.exit(main())
