# /// case
# claim = "café in Latin-1"
# source = "tests/data"
# ids = ["M1"]
# ///
