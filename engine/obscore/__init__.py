"""ObsCore 1.1: ivoa.obscore, a view over the tables whose RDs publish into it.

rd/system/obscore.rd declares the table and the //obscore#publish mixins;
:mod:`engine.obscore.sources` turns a publishing table into its part of the
view, :mod:`engine.obscore.view` keeps the view in the database.
"""

from engine.obscore.definition import data_model
from engine.obscore.view import (
    forget_tables,
    install_obscore,
    lock_for,
    publish_tables,
    served_table,
)

__all__ = ["data_model", "forget_tables", "install_obscore", "lock_for",
           "publish_tables", "served_table"]
