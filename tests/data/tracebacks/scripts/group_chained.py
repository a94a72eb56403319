try:
    raise ExceptionGroup("first", [ValueError("v")])
except ExceptionGroup:
    raise RuntimeError("after the group")
