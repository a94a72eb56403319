"""An SQLAlchemy Engine used before a fork hands its pooled DBAPI connection to the fork child, unless the pool does
not keep connections: with SQLite files, SQLAlchemy 1.4 uses ``NullPool`` and 2.0 ``QueuePool``.

The docs' warning ("it's critical that ... the pooled connections are not shared to a forked process") is about
pools that keep connections: a fork child has a copy of the pool holding the parent's open connection, and nothing in
the pool checks the pid (the docs recommend ``engine.dispose(close=False)`` in the child, or an event hook that
invalidates a connection whose recorded pid differs).  ``sqlalchemy/dialects/sqlite/pysqlite.py``,
``get_pool_class``: 1.4 returns ``NullPool`` for a file database (a connection per checkout, closed at check-in);
2.0 returns ``QueuePool``.  Under spawn and forkserver the child imports the module afresh and builds its own engine
(an Engine cannot be pickled), so it cannot share anything.

A ``connect`` event records in each connection's ``info`` which process opened it; the child reports whether the
connection it checked out was opened by the parent.
"""
# /// script
# requires-python = ">=3.7"
# dependencies = ["sqlalchemy"]
# ///

# /// case
# claim = "An SQLAlchemy engine used before fork shares its pooled DBAPI connection with the child."
# source = "https://docs.sqlalchemy.org/en/20/core/pooling.html#using-connection-pools-with-multiprocessing-or-os-fork"
# ids = ["L9"]
# timeout = 60
#
# [variants]
# sqlalchemy = ["1.4.*", "2.*"]
# ///
import multiprocessing
import os
import tempfile

import sqlalchemy

DATABASE = os.environ.setdefault("SQLALCHEMY_CASE_DB", os.path.join(tempfile.mkdtemp(), "case.sqlite"))
ENGINE = sqlalchemy.create_engine(f"sqlite:///{DATABASE}")


@sqlalchemy.event.listens_for(ENGINE, "connect")
def remember_opener(dbapi_connection, record):
    record.info["opened by"] = os.getpid()


def opened_by():
    with ENGINE.connect() as conn:
        conn.exec_driver_sql("select 1")
        return conn.connection.info["opened by"]


def child(parent, answers):
    answers.put(opened_by() == parent)


if __name__ == "__main__":
    print(f"pool: {type(ENGINE.pool).__name__}")
    print(f"the parent's connection was opened by the parent: {opened_by() == os.getpid()}")
    answers = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(os.getpid(), answers))
    p.start()
    print(f"the child's connection was opened by the parent: {answers.get(timeout=30)}")
    p.join()
    os.remove(DATABASE)
    os.rmdir(os.path.dirname(DATABASE))
