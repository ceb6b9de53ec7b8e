"""The Python starter: start the pipeline, follow it, print how it ended.

`start.py` is the recipe (flags -> input -> start -> follow); each other module has
one job: `flags.py` the command line, `input_file.py` --input, `follow.py` what the
worker renders while the run goes on (the view query), `live.py` the running steps'
output, `outcome.py` how the run ended. Flags, help and messages come from the table
shared with the Go and TypeScript starters (proto/skypilot_temporal/v1/starter_cli.json,
generated into `cli_table.py`).

A Temporal client above every layer of the worker: it may import any of them (it needs
config's Temporal connection, ops, contract and v1), and no code of the worker may import it.
"""

from skypilot_temporal.starter.start import main, run

__all__ = ["main", "run"]
