"""The command-line layer: parses flags, calls the pure core, renders. Nothing here decides advice."""
