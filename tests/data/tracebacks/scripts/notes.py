def check(x):
    e = ValueError(f"bad value {x}")
    e.add_note("first note")
    e.add_note("second note\nspanning two lines")
    raise e

check(42)
