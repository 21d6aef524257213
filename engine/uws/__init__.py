"""UWS 1.1 jobs: a store in PostgreSQL (schema ``uws``), worker processes, HTTP resources.

The parts: ``model`` (plain job data), ``schema`` (DDL), ``kinds`` (job kind
registry), ``store`` and ``scheduling`` (SQL), ``worker`` (the process running
one job), ``runner`` (the scheduler inside ``dr serve``), ``waits`` (WAIT
long-polling), ``params`` (UWS request parameters), ``documents`` (UWS XML)
and ``resource`` (the REST binding).
"""
