"""``python -m compendium``: see :mod:`compendium.cli`."""

from compendium.cli import main

raise SystemExit(main())
