"""Django's PostgreSQL backend, with a health check that costs no round trip while the
connection is healthy.

With CONN_MAX_AGE each worker thread keeps its connection between requests, and
CONN_HEALTH_CHECKS makes Django check it before the first query of each request, so that a
restarted PostgreSQL costs one reconnect rather than an error page. Django's check is a
`SELECT 1`: a round trip, and a statement for the server to run, on every request (about 0.5 ms
of the two processes' CPU; a tenth of the queries of the web load mix). Here the check first
asks the kernel whether the server has sent anything on the idle connection: a server that
ends a connection (shut down, restarted, `pg_terminate_backend`, an idle timeout) sends its
error message and closes the socket, which makes it readable. Nothing to read: the connection
is as the last request left it, usable. Something to read: Django's `SELECT 1` decides.
"""

from __future__ import annotations

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base, operations

# The most parameters one statement may bind on the server (a 16-bit count in the protocol).
MAX_PARAMETERS = 65_535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields: Any, objs: Any) -> int:
        if not self.connection.features.uses_server_side_binding:
            return int(super().bulk_batch_size(fields, objs))
        return max(1, min(len(objs), MAX_PARAMETERS // max(len(fields), 1)))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def is_usable(self) -> bool:
        if self.connection is None:
            return False
        try:
            poll = select.poll()
            poll.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            waiting = poll.poll(0)
        except (OSError, ValueError, psycopg.Error):
            return False  # no socket any more (the connection was closed): reconnect
        if not waiting:
            return True
        usable: bool = super().is_usable()
        return usable
