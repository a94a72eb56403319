# /// case
# claim = "A malformed case file."
# source = "tests/data"
# ids = ["M1"]
# timout = 5
# ///
print("misspelt key")
