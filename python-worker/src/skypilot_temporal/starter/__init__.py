"""The Python starter: start the pipeline, follow it, print how it ended (`start.py` is
the recipe). Flags, help and messages come from the table shared with the Go and
TypeScript starters (proto/skypilot_temporal/v1/starter_cli.json, generated into
`v1/starter_cli.py`).

A Temporal client above every layer of the worker: it may import any of them (it needs
config's Temporal connection, ops, contract and v1), and no code of the worker may import it.
"""

from skypilot_temporal.starter.start import main, run

__all__ = ["main", "run"]
