""""The default log level is logging.INFO", says the Logging section of "Developing with asyncio": the
``asyncio`` logger has no level of its own (NOTSET), so its effective level is the root logger's, WARNING, and an
INFO record of asyncio is dropped.

``Lib/asyncio/log.py`` is ``logger = logging.getLogger(__package__)`` and nothing else; no version sets a level.
The case asks the logger and then logs one INFO and one WARNING record through it, with no logging
configuration (the last-resort handler prints WARNING and above to stderr).
"""
# /// case
# claim = "The default log level of the asyncio logger is logging.INFO."
# source = "https://docs.python.org/3.14/library/asyncio-dev.html#logging"
# ids = ["T50"]
# start_methods = ["default"]
# timeout = 60
#
# [expect]
# exit = 0
# stdout = """
# asyncio logger: level NOTSET, effective level WARNING
# """
# stderr = """
# a WARNING record
# """
# holds = false
# ///
import asyncio  # noqa: F401  (creates the "asyncio" logger)
import logging
import sys

if __name__ == "__main__":
    logger = logging.getLogger("asyncio")
    print(f"asyncio logger: level {logging.getLevelName(logger.level)}, "
          f"effective level {logging.getLevelName(logger.getEffectiveLevel())}")
    sys.stdout.flush()
    logger.info("an INFO record")
    logger.warning("a WARNING record")
