"""Services whose core is a ``pythonCore``: the RD's own Python computing an answer
from the parameters of its inputTable, synchronously (``api``) or as UWS jobs
(``uws.xml``, DaCHS's custom UWS).

* :mod:`engine.pycore.run` — the arguments, calling the coreProc as the
  caller, turning what it returns into bytes.
* :mod:`engine.pycore.job` — the UWS job kind of each such service, run by a
  worker process as the job's owner.
"""
