"""`python -m mapapp ...`: see mapapp.cli."""

import sys

from mapapp.cli import main

sys.exit(main())
