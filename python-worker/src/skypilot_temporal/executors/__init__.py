"""Executors: where a task's setup and run actually happen (SkyPilot, or this host)."""
