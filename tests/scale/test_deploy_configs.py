"""The deployment recipes in deploy/ hold together: every YAML parses, every vlgate
config validates through ``load_settings``, and the names and ports the vlgate
configs point at exist in the compose file and the Kubernetes manifests; probes hit
routes the app really has; the pre-stop drain matches ``server.drain_delay_s``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from vlgate.config import Settings, load_settings
from vlgate.server.app import create_app

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = DEPLOY / "kubernetes"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _manifests() -> list[dict[str, Any]]:
    return [d for p in sorted(K8S.glob("*.yaml")) for d in _docs(p)]


def _kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in _manifests() if d["kind"] == kind}


def _compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yaml").read_text())


def _k8s_settings(tmp_path: Path) -> Settings:
    text = _kind("ConfigMap")["vlgate-config"]["data"]["vlgate.yaml"]
    path = tmp_path / "vlgate.yaml"
    path.write_text(text)
    return load_settings(path, environ={})


def _urls(settings: Settings) -> list[str]:
    """Every address the config makes vlgate connect to."""
    out = []
    for replica in (*settings.instruct, *settings.thinking):
        out.append(replica.url)
        assert replica.metrics_url, f"{replica.name}: metrics_url not wired"
        out.append(replica.metrics_url)
    out.append(settings.audit.dsn)
    if settings.limits.url:
        out.append(settings.limits.url)
    return out


def _flag(args: list[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg.startswith(f"--{name}="):
            return arg.split("=", 1)[1]
        if arg == f"--{name}" and i + 1 < len(args):
            return args[i + 1]
    return None


DEFAULT_PORTS = {"postgres": 5432, "redis": 6379}


def test_every_yaml_parses() -> None:
    files = sorted(DEPLOY.rglob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        assert _docs(path), f"{path} is empty"
    for doc in _manifests():
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc


def test_vlgate_configs_validate(tmp_path: Path) -> None:
    compose = load_settings(DEPLOY / "vlgate.yaml", environ={})
    k8s = _k8s_settings(tmp_path)
    for s in (compose, k8s):
        assert len(s.instruct) == 2 and len(s.thinking) == 2
        assert s.audit.dsn.startswith("postgresql+psycopg://")
        assert s.server.host == "0.0.0.0"
        assert s.limits.store in ("redis", "postgres")
    # The two configs differ only in host names.
    assert compose.pool == k8s.pool and compose.routing == k8s.routing
    assert compose.server == k8s.server


def test_compose_wires_what_vlgate_points_at() -> None:
    settings = load_settings(DEPLOY / "vlgate.yaml", environ={})
    services = _compose()["services"]
    for url in _urls(settings):
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
        assert host in services, f"{url}: no compose service {host!r}"
        svc = services[host]
        command = svc.get("command") or []
        if host.startswith("vllm-"):
            assert _flag(command, "port") == str(port), f"{host} does not listen on {port}"
            assert "/metrics" in url or url.endswith("/v1")
        else:
            assert port == DEFAULT_PORTS[host], url
    # Gateways: distinct instance ids, the config mounted, grace covers the drain.
    gateways = {n: s for n, s in services.items() if n.startswith("vlgate-")}
    ids = [s["environment"]["VLGATE_SERVER__INSTANCE_ID"] for s in gateways.values()]
    assert len(ids) == 2 and len(set(ids)) == 2
    for name, svc in gateways.items():
        assert any(v.endswith(":/etc/vlgate/vlgate.yaml:ro") for v in svc["volumes"]), name
        assert any(settings.audit.journal_dir.as_posix() in v for v in svc["volumes"]), name
        grace = int(str(svc["stop_grace_period"]).rstrip("s"))
        assert grace >= settings.server.drain_delay_s + settings.server.graceful_timeout_s
    # nginx sends to every gateway on the port vlgate listens on.
    conf = (DEPLOY / "nginx.conf").read_text()
    upstreams = set(re.findall(r"server\s+([\w-]+):(\d+)", conf))
    assert upstreams == {(n, str(settings.server.port)) for n in gateways}
    assert "proxy_buffering off" in conf  # SSE


def test_kubernetes_wires_what_vlgate_points_at(tmp_path: Path) -> None:
    settings = _k8s_settings(tmp_path)
    sets, services = _kind("StatefulSet"), _kind("Service")
    for replica in (*settings.instruct, *settings.thinking):
        for url in (replica.url, replica.metrics_url or ""):
            parts = urlsplit(url)
            pod, _, svc_name = (parts.hostname or "").partition(".")
            name, _, index = pod.rpartition("-")
            sts = sets[name]
            assert sts["spec"]["serviceName"] == svc_name == name
            assert services[svc_name]["spec"].get("clusterIP") == "None", "needs a headless service"
            assert int(index) < sts["spec"]["replicas"]
            container = sts["spec"]["template"]["spec"]["containers"][0]
            assert _flag(container["args"], "port") == str(parts.port)
            ports = {p["containerPort"] for p in container["ports"]}
            assert parts.port in ports
    for url in (settings.audit.dsn, settings.limits.url or ""):
        host = urlsplit(url).hostname
        assert host in DEFAULT_PORTS, f"{url}: expected the {sorted(DEFAULT_PORTS)} Services"


def test_kubernetes_probes_and_drain(tmp_path: Path) -> None:
    settings = _k8s_settings(tmp_path)
    app = create_app(settings)  # builds routes only: nothing connects before the lifespan
    routes = {getattr(r, "path", None) for r in app.routes}
    sts = _kind("StatefulSet")["vlgate"]
    pod = sts["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for probe in ("readinessProbe", "livenessProbe"):
        path = container[probe]["httpGet"]["path"]
        assert path in routes, f"{probe} {path} is not a vlgate route"
    assert container["ports"][0]["containerPort"] == settings.server.port
    # Distinct, restart-stable instance ids: the StatefulSet pod name.
    env = {e["name"]: e for e in container["env"]}
    assert env["VLGATE_SERVER__INSTANCE_ID"]["valueFrom"]["fieldRef"]["fieldPath"] == (
        "metadata.name"
    )
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert float(pre_stop[1]) == settings.server.drain_delay_s
    budget = 2 * settings.server.drain_delay_s + settings.server.graceful_timeout_s
    assert pod["terminationGracePeriodSeconds"] >= budget
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert settings.audit.journal_dir.as_posix() in mounts
    assert "/etc/vlgate" in mounts


@pytest.mark.parametrize("path", ["/readyz", "/healthz", "/metrics"])
def test_probe_paths_are_app_routes(path: str, tmp_path: Path) -> None:
    app = create_app(load_settings(DEPLOY / "vlgate.yaml", environ={}))
    assert path in {getattr(r, "path", None) for r in app.routes}
