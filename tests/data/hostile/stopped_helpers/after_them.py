# /// case
# claim = "A cell run after others stopped the keepers is served as usual."
# source = "tests/data/hostile"
# ids = ["H17"]
# timeout = 10
#
# [expect]
# stdout = "served"
# ///
print("served")
