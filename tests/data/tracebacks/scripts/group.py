def fail(kind, text):
    raise kind(text)

errors = []
for kind, text in ((ValueError, "one"), (TypeError, "two")):
    try:
        fail(kind, text)
    except Exception as exc:
        errors.append(exc)
inner = ExceptionGroup("inner group", [KeyError("k"), OSError(2, "gone")])
group = ExceptionGroup("several failures", errors + [inner])
group.add_note("a note on the group")
raise group
