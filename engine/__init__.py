"""DR's engine: everything with side effects (config, database, ingest, web, CLI)."""
