"""One typed settings object: a YAML file, then ``VLGATE_*`` env vars, then flags.

Env vars name a path with double underscores: ``VLGATE_SERVER__PORT=9000``,
``VLGATE_ROUTING__DEFAULT_MODE=thinking``; values are parsed as YAML scalars
(``true``, ``3``, ``[a, b]``). Each component owns its settings model; this module
only composes them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from vlgate.audit.config import AuditSettings
from vlgate.backends.pool import PoolSettings
from vlgate.backends.upstream import UpstreamSettings
from vlgate.cost import PriceTable
from vlgate.guard.config import GuardSettings
from vlgate.limits.base import LimitSettings
from vlgate.media.config import MediaSettings
from vlgate.modes import PresetSettings
from vlgate.routing.policy import RoutingSettings

ENV_PREFIX = "VLGATE_"


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    # API key -> tenant. Empty: no authentication, tenant from X-Vlgate-Tenant or "default".
    api_keys: dict[str, str] = Field(default_factory=dict)
    admin_keys: list[str] = Field(default_factory=list, description="keys that may read traces")
    max_body_bytes: int = 64 * 1024 * 1024
    graceful_timeout_s: float = 30.0  # in-flight streams may finish within this on shutdown
    drain_delay_s: float = 0.0  # report not-ready this long before closing the listener
    request_timeout_s: float = 900.0  # per-request deadline, retries included
    instance_id: str | None = None  # defaults to host:port:pid


class ReasoningSettings(BaseModel):
    """Whether the trace is returned when a request does not say. Whether it may be
    returned at all is the privacy posture's ``trace_return`` (audit.postures)."""

    default_include: bool = False


class EmbeddedSpec(BaseModel):
    """Run a mode on the in-process transformers engine instead of an upstream."""

    checkpoint: str  # a folder or a hub id
    model_name: str | None = None


class Settings(BaseModel):
    server: ServerSettings = Field(default_factory=lambda: ServerSettings())
    instruct: list[UpstreamSettings] = Field(default_factory=list)
    thinking: list[UpstreamSettings] = Field(default_factory=list)
    embedded: dict[str, EmbeddedSpec] = Field(
        default_factory=dict, description="mode -> checkpoint, for the embedded engine"
    )
    engine: dict[str, Any] = Field(default_factory=dict, description="embedded engine settings")
    models: dict[str, str] = Field(
        default_factory=dict, description="extra model names clients may send -> mode"
    )
    routing: RoutingSettings = Field(default_factory=lambda: RoutingSettings())
    presets: PresetSettings = Field(default_factory=lambda: PresetSettings())
    pool: PoolSettings = Field(default_factory=lambda: PoolSettings())
    media: MediaSettings = Field(default_factory=lambda: MediaSettings())
    reasoning: ReasoningSettings = Field(default_factory=lambda: ReasoningSettings())
    audit: AuditSettings = Field(default_factory=lambda: AuditSettings())
    prices: PriceTable = Field(default_factory=lambda: PriceTable())
    limits: LimitSettings = Field(default_factory=lambda: LimitSettings())
    guard: GuardSettings = Field(default_factory=lambda: GuardSettings())

    @model_validator(mode="after")
    def _embedded_modes(self) -> Settings:
        for key in self.embedded:
            if key not in ("instruct", "thinking"):
                raise ValueError(f"embedded: unknown mode {key!r} (instruct or thinking)")
        return self


def deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def env_overrides(environ: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name in ("VLGATE_CONFIG", "VLGATE_CACHE_DIR"):
            continue
        path = name[len(ENV_PREFIX) :].lower().split("__")
        if not all(path):
            continue
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = yaml.safe_load(raw) if raw else raw
    return out


class ConfigError(ValueError):
    """The configuration is invalid; the message says where."""


def load_settings(
    path: str | Path | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    environ = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    path = path or environ.get("VLGATE_CONFIG")
    if path:
        try:
            loaded = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"config {path} must be a mapping at the top level")
        data = loaded
    data = deep_merge(data, env_overrides(environ))
    if overrides:
        data = deep_merge(data, overrides)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError("invalid configuration:\n" + "\n".join(lines)) from None
