def inner():
    return {}["missing"]

try:
    inner()
except KeyError as exc:
    raise RuntimeError("while handling") from exc
