"""The ``dr`` subcommands, one module per command group."""
