"""Run the command line: ``python -m perfkpi.cli``."""

from perfkpi.cli import main

raise SystemExit(main())
