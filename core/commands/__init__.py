"""The CLI's subcommands, one module per family; each exposes `add(subparsers)`."""
