"""The Python starter: start the pipeline, follow it, say how it ended (`start.py` is the recipe),
decide a gate a run waits at (`decide.py`), retry or abort a run that waits for a repair (`repair.py`),
or run the pipeline on Temporal Schedules (`schedule.py`),
with the flags, help and messages shared with the Go and TypeScript starters (v1/starter_cli.py).
A Temporal client above every layer of the worker: no code of the worker may import it."""

from skypilot_temporal.starter.start import main, run

__all__ = ["main", "run"]
