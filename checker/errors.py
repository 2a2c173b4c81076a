"""Errors that the CLI turns into one clear line and exit code 2, never a traceback.

Anything else that escapes a command is a bug, not bad input: the CLI reports it as an internal
error, in one line, with exit code 3 (:data:`INTERNAL_ERROR_EXIT`).
"""

from __future__ import annotations

INTERNAL_ERROR_EXIT = 3


class FactcheckError(Exception):
    """Base class: the message is written for the user, in one line."""

    exit_code = 2


class InputError(FactcheckError):
    """A document cannot be read as an article (missing, empty, binary, too large, bad encoding...)."""


class UsageError(FactcheckError):
    """An option or configuration value is not valid."""


class SettingsError(UsageError, ValueError):
    """A setting is not valid (unknown key, wrong type, out of range); also a ValueError for library callers."""


class ModelError(FactcheckError):
    """A model cannot be found or loaded."""
