"""UWS 1.1 jobs: a store in PostgreSQL (schema ``uws``) and worker processes.

The parts: ``model`` (plain job data), ``schema`` (DDL), ``kinds`` (job kind
registry), ``store`` and ``scheduling`` (SQL), ``worker`` (the process running
one job), ``runner`` (the scheduler inside ``dr serve``), ``waits`` (WAIT
long-polling), ``params`` (UWS request parameters) and ``documents`` (UWS
XML).  The REST binding is a web resource: :mod:`engine.web.uws`.
"""
