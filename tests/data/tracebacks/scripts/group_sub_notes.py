inner = ValueError("sub")
inner.add_note("note on the sub-exception")
raise ExceptionGroup("outer", [inner, TypeError("other")])
