"""One module per command group; each adds its subcommands with ``add_commands(subparsers)``."""
