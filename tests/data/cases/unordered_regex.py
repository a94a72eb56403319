# /// case
# claim = "Lines written by several processes may come in any order; a (re) line is a regular expression."
# source = "tests/data"
# ids = ["T4"]
# timeout = 20
#
# [expect]
# stdout = '''
# [unordered]
# worker 0 done
# worker 1 done
# worker 2 done
# [/unordered]
# total=\d+ items (re)
# '''
# ///
import multiprocessing
import os


def work(n):
    os.write(1, b"worker %d done\n" % n)  # one write: print() writes the newline separately, and lines interleave


if __name__ == "__main__":
    procs = [multiprocessing.Process(target=work, args=(n,)) for n in (2, 0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("total=%d items" % len(procs))
