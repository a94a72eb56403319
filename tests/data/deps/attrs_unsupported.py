"""attrs at two versions, one of which no index has, and a requires-python that leaves out Python 3.8.

A fixture of the harness's own tests (tests/test_environments.py): the environments that cannot be made give
unsupported cells whose reason is the resolver's answer."""
# /// script
# requires-python = ">=3.9"
# dependencies = ["attrs"]
# ///

# /// case
# claim = "The case imports the attrs its environment holds."
# source = "tests/data/deps"
# ids = ["T2"]
# start_methods = ["default"]
#
# [variants]
# attrs = ["23.2.0", "999.*"]
# ///
import attr

print(f"attrs {attr.__version__}")
