"""One module per command of the `pack` tool."""
