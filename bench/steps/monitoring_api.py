"""Registers the data-exchange API's steps, which live in bench/steps_monitoring.py (see its docstring)."""

from bench import steps_monitoring  # noqa: F401 - importing registers the steps
