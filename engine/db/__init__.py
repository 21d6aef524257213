"""Database access: the embedded cluster, DSNs, connections and the extensions DR needs."""
