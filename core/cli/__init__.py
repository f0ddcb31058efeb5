"""The `sketchbook` command (`main`) and its subcommands, one module per family, each with
`add(subparsers)`. The top layer: it may import any part of core, and opens the desktop or the
benchmarks only inside the two commands that run them."""
