"""deploy/kubernetes: the namespace every resource goes to, and the NetworkPolicy that admits only
the traffic the service needs.

The policy is read with the rules Kubernetes applies (peers of one rule are alternatives; a
namespaceSelector and a podSelector in one peer must both match; a named port is the pod's
container port of that name; protocol defaults to TCP), then asked about concrete connections.
"""

import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
SERVICE_LABELS = {"app.kubernetes.io/name": "workflow-orders"}
CLIENT_LABEL = {"workflow-orders/client": "true"}
DYNAMODB_ADDRESS = "52.94.0.10"
"""An address in AWS's public range, as DynamoDB's regional endpoint resolves to."""


def _manifest(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((MANIFESTS / name).read_text(encoding="utf-8"))
    return document


def _kustomization() -> dict[str, Any]:
    return _manifest("kustomization.yaml")


def _namespace_labels(name: str) -> dict[str, str]:
    """The labels Kubernetes (1.22+) puts on every namespace."""
    return {"kubernetes.io/metadata.name": name}


class Policy:
    def __init__(self, manifest: dict[str, Any], container_ports: dict[str, int]) -> None:
        self.spec = manifest["spec"]
        self._container_ports = container_ports

    def admits(self, namespace: str, pod_labels: dict[str, str], port: int, protocol: str = "TCP") -> bool:
        """Whether a pod in `namespace` with `pod_labels` may open `port` on the service's pods."""
        return any(
            self._any_peer(rule.get("from", []), namespace, pod_labels, None)
            and self._port_listed(rule.get("ports", []), port, protocol)
            for rule in self.spec.get("ingress", [])
        )

    def lets_out(
        self,
        port: int,
        protocol: str = "TCP",
        *,
        namespace: str = "",
        pod_labels: dict[str, str] | None = None,
        address: str | None = None,
    ) -> bool:
        """Whether the service's pods may reach a pod (`namespace`, `pod_labels`) or an `address`."""
        return any(
            self._any_peer(rule.get("to", []), namespace, pod_labels or {}, address)
            and self._port_listed(rule.get("ports", []), port, protocol)
            for rule in self.spec.get("egress", [])
        )

    def _any_peer(
        self, peers: list[dict[str, Any]], namespace: str, labels: dict[str, str], address: str | None
    ) -> bool:
        return any(self._peer_matches(peer, namespace, labels, address) for peer in peers)

    @staticmethod
    def _peer_matches(peer: dict[str, Any], namespace: str, labels: dict[str, str], address: str | None) -> bool:
        if "ipBlock" in peer:
            block = peer["ipBlock"]
            if address is None:
                return False
            inside = ipaddress.ip_address(address) in ipaddress.ip_network(block["cidr"])
            return inside and not any(
                ipaddress.ip_address(address) in ipaddress.ip_network(cidr) for cidr in block.get("except", [])
            )
        if address is not None:
            return False
        assert "namespaceSelector" in peer, "a peer without namespaceSelector means the policy's own namespace"
        return _selects(peer["namespaceSelector"], _namespace_labels(namespace)) and _selects(
            peer.get("podSelector", {}), labels
        )

    def _port_listed(self, ports: list[dict[str, Any]], port: int, protocol: str) -> bool:
        assert ports, "a rule without ports admits every port"
        for entry in ports:
            number = self._container_ports[entry["port"]] if isinstance(entry["port"], str) else entry["port"]
            if number == port and entry.get("protocol", "TCP") == protocol:
                return True
        return False


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    assert set(selector) <= {"matchLabels"}, "only matchLabels is read here"
    return selector.get("matchLabels", {}).items() <= labels.items()


@pytest.fixture(scope="module")
def api_port() -> int:
    [container] = _manifest("deployment.yaml")["spec"]["template"]["spec"]["containers"]
    return int(container["ports"][0]["containerPort"])


@pytest.fixture(scope="module")
def policy(api_port: int) -> Policy:
    return Policy(_manifest("networkpolicy.yaml"), {"http": api_port})


def test_the_policy_covers_the_services_pods_in_both_directions() -> None:
    manifest = _manifest("networkpolicy.yaml")
    pod_labels = _manifest("deployment.yaml")["spec"]["template"]["metadata"]["labels"]
    assert _selects(manifest["spec"]["podSelector"], pod_labels)
    assert sorted(manifest["spec"]["policyTypes"]) == ["Egress", "Ingress"]


def test_labelled_clients_in_any_namespace_reach_the_api(policy: Policy, api_port: int) -> None:
    assert policy.admits("trading", CLIENT_LABEL | {"app": "engine"}, api_port)
    assert policy.admits("workflow-orders", CLIENT_LABEL, api_port)


def test_unlabelled_pods_and_other_ports_are_refused(policy: Policy, api_port: int) -> None:
    assert not policy.admits("trading", {"app": "engine"}, api_port)
    assert not policy.admits("workflow-orders", {}, api_port)
    assert not policy.admits("trading", CLIENT_LABEL, 22)
    assert not policy.admits("trading", CLIENT_LABEL, api_port, "UDP")


def test_the_monitoring_namespace_reaches_the_metrics_port_only(policy: Policy, api_port: int) -> None:
    assert policy.admits("monitoring", {"app.kubernetes.io/name": "prometheus"}, api_port)
    assert not policy.admits("monitoring", {"app.kubernetes.io/name": "prometheus"}, 9090)
    assert not policy.admits("observability", {}, api_port)


def test_the_pods_resolve_names_through_the_cluster_dns_only(policy: Policy) -> None:
    dns = {"namespace": "kube-system", "pod_labels": {"k8s-app": "kube-dns"}}
    assert policy.lets_out(53, "UDP", **dns)
    assert policy.lets_out(53, "TCP", **dns)
    assert not policy.lets_out(53, "UDP", namespace="default", pod_labels={"k8s-app": "kube-dns"})
    assert not policy.lets_out(53, "UDP", address="8.8.8.8")


def test_the_pods_reach_dynamodb_over_https_and_nothing_else_outside(policy: Policy) -> None:
    assert policy.lets_out(443, address=DYNAMODB_ADDRESS)
    assert not policy.lets_out(80, address=DYNAMODB_ADDRESS)
    assert not policy.lets_out(80, address="169.254.169.254")  # the node's instance metadata
    assert not policy.lets_out(5432, address="10.0.0.5")


def test_the_pods_send_otlp_to_the_collector_namespace_only(policy: Policy) -> None:
    assert policy.lets_out(4318, namespace="observability", pod_labels={"app": "otel-collector"})
    assert not policy.lets_out(4318, namespace="default", pod_labels={"app": "otel-collector"})
    assert not policy.lets_out(4317, namespace="observability", pod_labels={"app": "otel-collector"})


def test_every_resource_goes_to_the_namespace_the_kustomization_creates() -> None:
    namespace = _manifest("namespace.yaml")
    assert _kustomization()["namespace"] == namespace["metadata"]["name"]
    monitoring = yaml.safe_load((ROOT / "deploy" / "monitoring" / "kustomization.yaml").read_text(encoding="utf-8"))
    assert monitoring["namespace"] == namespace["metadata"]["name"]


def test_the_namespace_enforces_the_restricted_pod_security_profile() -> None:
    labels = _manifest("namespace.yaml")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
