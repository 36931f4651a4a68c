"""deploy/kubernetes: valid against Kubernetes' own schemas (kubernetes-validate, offline), and in
the shape Streamlit's tutorial and our measurements call for."""

from __future__ import annotations

import json
import re

import kubernetes_validate
import pytest
import yaml
from helpers import REPO

from benchmarks.balancer import haproxy_config

MANIFEST = REPO / "deploy" / "kubernetes" / "latent-lab.yaml"
DOCKERFILE = REPO / "deploy" / "Dockerfile"


def docs() -> list[dict]:
    return [d for d in yaml.safe_load_all(MANIFEST.read_text()) if d]


def kind(name: str) -> dict:
    (doc,) = [d for d in docs() if d["kind"] == name]
    return doc


def mib(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(Mi|Gi)", quantity).groups()
    return float(number) * (1024 if unit == "Gi" else 1)


@pytest.mark.parametrize("version", ["1.30.0", "1.37.0"])
def test_every_resource_is_valid_for_kubernetes(version):
    assert [d["kind"] for d in docs()] == [
        "PersistentVolumeClaim", "Deployment", "Service", "Ingress", "PodDisruptionBudget"]
    for doc in docs():
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_rejects_a_misspelt_probe():
    deployment = kind("Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, "1.37.0", strict=True)


def test_probes_ask_streamlit_health_on_the_port_the_container_serves():
    spec = kind("Deployment")["spec"]
    container = spec["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    entry = DOCKERFILE.read_text().split("ENTRYPOINT", 1)[1]
    assert f"--server.port={ports['http']}" in entry
    assert f"EXPOSE {ports['http']}" in DOCKERFILE.read_text()
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}
    assert spec["replicas"] >= 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0  # no replica lost to a rollout


def test_resources_cover_the_measured_memory_of_a_replica():
    measured = json.loads((REPO / "benchmarks.json").read_text())
    resources = kind("Deployment")["spec"]["template"]["spec"]["containers"][0]["resources"]
    sessions = 100
    need = measured["server_rss_mb"] + sessions * measured["rss_per_extra_session_mb"]
    assert mib(resources["requests"]["memory"]) >= measured["server_rss_mb"]
    assert mib(resources["limits"]["memory"]) >= need
    assert float(resources["requests"]["cpu"]) >= 1


def test_the_service_and_ingress_reach_the_pods_with_cookie_affinity():
    labels = kind("Deployment")["spec"]["template"]["metadata"]["labels"]
    service, ingress = kind("Service"), kind("Ingress")
    assert service["spec"]["selector"] == labels
    # no ClientIP affinity: a hall behind one NAT address would all land on one replica
    assert "sessionAffinity" not in service["spec"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    # the cookie is the one the local replica run measures through HAProxy
    cookie = notes["nginx.ingress.kubernetes.io/session-cookie-name"]
    assert f"cookie {cookie} insert" in haproxy_config(8000, [8001, 8002], affinity=True)
    lecture = 3 * 3600
    for key in ("session-cookie-max-age", "proxy-read-timeout", "proxy-send-timeout"):
        assert int(notes[f"nginx.ingress.kubernetes.io/{key}"]) >= lecture


def test_the_data_volume_is_where_the_app_looks():
    pod = kind("Deployment")["spec"]["template"]["spec"]
    container = pod["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    (mount,) = container["volumeMounts"]
    assert env["LATENT_LAB_DATA"] == mount["mountPath"] and mount["readOnly"]
    assert pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == kind(
        "PersistentVolumeClaim")["metadata"]["name"]
