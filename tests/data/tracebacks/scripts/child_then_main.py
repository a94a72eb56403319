import multiprocessing


def work():
    error = OSError("in the child")
    error.add_note("note from the child")
    raise error


if __name__ == "__main__":
    child = multiprocessing.Process(target=work)
    child.start()
    child.join()
    raise SystemExit(f"child exit code {child.exitcode}")
