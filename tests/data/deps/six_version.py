"""six, a tiny pure-Python package, installed at two versions: the case prints the version it imported.

A fixture of the harness's own tests (tests/test_environments.py): one environment per interpreter and variant."""
# /// script
# requires-python = ">=3.7"
# dependencies = ["six"]
# ///

# /// case
# claim = "The case imports the six its environment holds."
# source = "tests/data/deps"
# ids = ["T1"]
# start_methods = ["default"]
#
# [variants]
# six = ["1.16.*", "1.17.*"]
#
# [flags]
# MPMATRIX_TEST_FLAG = ["a", "b"]
# ///
import os

import six

print(f"six {six.__version__}")
print(f"flag {os.environ.get('MPMATRIX_TEST_FLAG')}")
