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


# setting: hub_connect_timeout_s — how long to wait for a TCP connection to the Hugging Face hub
# before treating it as unreachable (a hub model name then loads only from the local HF cache).
HUB_CONNECT_TIMEOUT_S = 2.0
_TRUE = ("1", "true", "yes", "on")


@lru_cache(maxsize=1)
def hub_offline() -> bool:
    """Whether hub names must load from the local Hugging Face cache only.

    Why check up front: with no network, huggingface_hub retries each download for about 100 s
    before failing. Offline is declared (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE) or detected by one
    TCP connection to the hub host (or the HTTPS proxy), answered once per process."""
    import os
    import socket
    from urllib.parse import urlsplit

    if any(os.environ.get(var, "").strip().lower() in _TRUE for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")):
        return True
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    url = urlsplit(proxy if proxy else os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = url.hostname, url.port or (443 if url.scheme == "https" else 80)
    if not host:
        return False
    try:
        with socket.create_connection((host, port), timeout=HUB_CONNECT_TIMEOUT_S):
            return False
    except Exception:  # noqa: BLE001 - DNS failure, refusal, timeout, a sandbox's guard: all mean "unreachable"
        return True


def offline_hub_error(kind: str, location: str) -> ModelError:
    """The one line for a hub name that cannot be had: no network and no cached copy."""
    return ModelError(
        f"cannot load {kind} model {location!r}: it is not a registry name or a local folder, the Hugging Face hub "
        "is unreachable (offline, or HF_HUB_OFFLINE is set), and no copy is in the local Hugging Face cache"
    )


def check_available(kind: str, name: str | None) -> ModelRef:
    """Resolve ``name`` and fail at once, with one line, if it is a hub name that cannot be had now
    (hub unreachable and no copy in the local Hugging Face cache).

    Meant to be called when the settings are read, before any document is analysed, so that a typo
    or a missing network costs a second rather than the whole analysis (issue 16)."""
    ref = resolve(kind, name)
    if ref.local or not hub_offline():
        return ref
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(ref.location, "config.json")
    except Exception:  # noqa: BLE001 - a malformed repo id cannot be in the cache either
        cached = None
    if not isinstance(cached, str):
        raise offline_hub_error({"nli": "NLI"}.get(kind, kind), ref.location)
    return ref
