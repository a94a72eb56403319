try:
    error = KeyError("first")
    error.add_note("note on the first")
    raise error
except KeyError:
    error = RuntimeError("second")
    error.add_note("note on the second")
    raise error
