"""mpmatrix: run every concurrency claim as a case under every start method, Python version and OS."""

__version__ = "0.1.0"
