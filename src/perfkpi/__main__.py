"""Run the command line: ``python -m perfkpi``."""

from perfkpi.cli import main

raise SystemExit(main())
