"""`python -m harness` is `mpmatrix`."""

from harness.cli import main

raise SystemExit(main())
