"""Errors that the CLI turns into one clear line and exit code 2, never a traceback."""

from __future__ import annotations


class FactcheckError(Exception):
    """Base class: the message is written for the user, in one line."""

    exit_code = 2


class InputError(FactcheckError):
    """A document cannot be read as an article (missing, empty, binary, too large, bad encoding...)."""


class UsageError(FactcheckError):
    """An option or configuration value is not valid."""


class ModelError(FactcheckError):
    """A model cannot be found or loaded."""
