"""The PostgreSQL driver under a freshly started threaded web process (decision 0061).

gunicorn's threads make their first queries at the same moment. psycopg before 3.3.2 could then refuse a UUID
parameter ("cannot adapt type 'UUID' using placeholder '%t'", psycopg/psycopg#1230): the first look-up of a type's
dumper replaced its entry in a shared map in two steps, and a thread switch in between left other threads without
it. `bench/load.py` met it as a 500 on a credential's page in the first second of a run. The race shows in about one
fresh process in six here (four threads), so the test starts fifty, one after the other: with the old driver it
fails all but about once in three thousand runs."""
import subprocess
import sys

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's driver only")]

# A fresh process: THREADS connections are opened and used, then all send their first UUID parameter at once;
# prints the number of refusals.
FIRST_QUERIES = """
import sys, threading, uuid
import psycopg

THREADS = 4
conninfo = sys.argv[1]
barrier = threading.Barrier(THREADS)
refused = []


def first_query():
    with psycopg.connect(conninfo) as conn:
        conn.execute("SELECT 1").fetchone()  # all else warmed: only the UUID's first look-up is left to race
        barrier.wait()
        try:
            conn.execute("SELECT %s::uuid", [uuid.uuid4()]).fetchone()
        except psycopg.ProgrammingError as error:
            refused.append(str(error))


sys.setswitchinterval(1e-6)  # switch threads as often as possible: the window is a few bytecodes wide
threads = [threading.Thread(target=first_query) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(refused), refused[:1])
"""


def _conninfo() -> str:
    from psycopg.conninfo import make_conninfo

    s = connection.settings_dict
    return make_conninfo(dbname=s["NAME"], user=s["USER"] or None, password=s["PASSWORD"] or None,
                         host=s["HOST"] or None, port=str(s["PORT"]) if s["PORT"] else None)


def _fresh_process(conninfo: str) -> str:
    done = subprocess.run([sys.executable, "-c", FIRST_QUERIES, conninfo], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_threads_of_a_fresh_process_all_get_their_first_uuid_query_answered():
    conninfo = _conninfo()
    answers = [_fresh_process(conninfo) for _ in range(50)]  # in parallel they race less (fewer thread switches)
    refusals = [a for a in answers if not a.startswith("0 ")]
    assert len(answers) == 50 and not refusals, refusals[:3]
