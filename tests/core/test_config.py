"""Settings: YAML file, env overrides, flags; the shipped example validates."""

from __future__ import annotations

from pathlib import Path

import pytest

from vlgate.config import ConfigError, load_settings
from vlgate.modes import Mode

EXAMPLE = Path(__file__).parents[2] / "docs" / "config.example.yaml"


def test_example_config_is_valid() -> None:
    s = load_settings(EXAMPLE, environ={})
    assert [r.url for r in s.thinking] == ["http://vllm-thinking-0:8000/v1"]
    assert s.routing.tasks["invoice_audit"] is Mode.THINKING
    assert s.server.api_keys["sk-team-a"] == "team-a"


def test_env_then_flags_override_the_file(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("server: {port: 7000, host: 0.0.0.0}\nrouting: {default_mode: instruct}\n")
    env = {"VLGATE_SERVER__PORT": "7001", "VLGATE_ROUTING__DEFAULT_MODE": "thinking", "OTHER": "x"}
    s = load_settings(cfg, environ=env)
    assert (s.server.port, s.server.host, s.routing.default_mode) == (
        7001,
        "0.0.0.0",
        Mode.THINKING,
    )
    s = load_settings(cfg, environ=env, overrides={"server": {"port": 7002}})
    assert s.server.port == 7002


def test_config_path_from_env(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("instruct: [{url: 'http://a:1/v1'}]\n")
    assert load_settings(environ={"VLGATE_CONFIG": str(cfg)}).instruct[0].url == "http://a:1/v1"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("server: {port: -1}", "server.port"),
        ("routing: {default_mode: fast}", "routing.default_mode"),
        ("embedded: {turbo: {checkpoint: x}}", "embedded"),
        ("- just a list", "mapping"),
    ],
)
def test_invalid_config_says_where(tmp_path: Path, text: str, where: str) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg, environ={})
    assert where in str(exc.value)
