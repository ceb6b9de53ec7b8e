"""The Python starter: start the pipeline, follow its progress, print each step.

`start.py` is the recipe (flags -> input -> start -> follow); each other module has
one job: `flags.py` the command line, `input_file.py` --input, `connect.py` the
connection, `follow.py` / `progress.py` live progress, `outcome.py` how the run ended.
Flags, help and messages come from the shared table in proto/ (generated into
`skypilot_temporal.v1.starter_cli`), the same as the Go and TypeScript starters'.
"""

from skypilot_temporal.starter.start import main, run

__all__ = ["main", "run"]
