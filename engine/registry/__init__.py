"""The publishing registry: which resources DR registers, their VOResource records and
OAI-PMH 2.0 over them (``/oai.xml``).

:mod:`store` keeps the list (``dc.resources``: what ``dr pub`` published, when each
record last changed, what was withdrawn), :mod:`records` writes VOResource 1.1
and Dublin Core records, :mod:`oai` answers the six OAI-PMH verbs.
"""
