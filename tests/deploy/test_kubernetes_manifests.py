"""deploy/kubernetes: schema-valid for Kubernetes 1.30 (kubernetes-validate --strict, offline schemas),
and consistent with the image, the app's settings, its health endpoints and its shutdown."""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from litestar.testing import TestClient

from app import cli
from app.factory import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"
IMAGE_UID_GID = (10001, 10001)
"""The Dockerfile's USER (tests/deploy/test_dockerfile.py checks the image side)."""
IMAGE_COMMAND = ["workflow-orders", "serve", "--host", "0.0.0.0", "--port", "8000"]
"""The image's ENTRYPOINT + CMD."""


def manifest_files() -> list[Path]:
    return sorted(path for path in MANIFESTS.glob("*.yaml") if path.name != "kustomization.yaml")


def _load(path: Path) -> list[dict[str, Any]]:
    return [document for document in yaml.safe_load_all(path.read_text(encoding="utf-8")) if document]


@pytest.fixture(scope="module")
def resources() -> dict[str, dict[str, Any]]:
    """Every resource by kind (one of each kind here)."""
    by_kind: dict[str, dict[str, Any]] = {}
    for path in manifest_files():
        for resource in _load(path):
            assert resource["kind"] not in by_kind, f"a second {resource['kind']} in {path.name}"
            by_kind[resource["kind"]] = resource
    return by_kind


@pytest.fixture(scope="module")
def pod(resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = resources["Deployment"]["spec"]["template"]["spec"]
    return spec


@pytest.fixture(scope="module")
def container(pod: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = pod["containers"]
    assert len(containers) == 1
    return containers[0]


def test_every_manifest_passes_strict_validation_for_kubernetes_1_30() -> None:
    executable = Path(sys.executable).parent / "kubernetes-validate"
    assert executable.exists(), "kubernetes-validate is not installed (pip install -e '.[dev]')"
    files = manifest_files()
    result = subprocess.run(
        [str(executable), "--strict", "--kubernetes-version", KUBERNETES_VERSION, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for path in files:
        assert f"{path} passed" in result.stdout + result.stderr


@pytest.mark.parametrize("path", manifest_files(), ids=lambda path: path.name)
def test_each_resource_is_checked_against_the_1_30_schemas_themselves(path: Path) -> None:
    """Not a fallback to older schemas: the validator names the version it used."""
    for resource in _load(path):
        assert kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True) == "1.30"


def test_strict_validation_rejects_a_misspelt_field(resources: dict[str, dict[str, Any]]) -> None:
    misspelt = {**resources["Deployment"], "spec": {**resources["Deployment"]["spec"], "replica": 3}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(misspelt, KUBERNETES_VERSION, strict=True)


def test_the_kustomization_lists_every_manifest() -> None:
    kustomization = _load(MANIFESTS / "kustomization.yaml")[0]
    assert sorted(kustomization["resources"]) == sorted(path.name for path in manifest_files())


def test_the_kustomization_image_is_the_deployments_image(container: dict[str, Any]) -> None:
    kustomization = _load(MANIFESTS / "kustomization.yaml")[0]
    names = [image["name"] for image in kustomization["images"]]
    assert container["image"].split(":")[0] in names


def test_three_replicas_and_an_autoscaler_that_keeps_at_least_three(resources: dict[str, dict[str, Any]]) -> None:
    deployment, hpa = resources["Deployment"], resources["HorizontalPodAutoscaler"]
    assert deployment["spec"]["replicas"] == 3
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert hpa["spec"]["minReplicas"] == 3 < hpa["spec"]["maxReplicas"]


def test_service_and_disruption_budget_select_the_deployments_pods(resources: dict[str, dict[str, Any]]) -> None:
    labels = resources["Deployment"]["spec"]["template"]["metadata"]["labels"]
    selectors = [
        resources["Deployment"]["spec"]["selector"]["matchLabels"],
        resources["Service"]["spec"]["selector"],
        resources["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"],
    ]
    for selector in selectors:
        assert selector.items() <= labels.items()
    assert resources["PodDisruptionBudget"]["spec"]["maxUnavailable"] == 1


def test_the_service_reaches_the_port_the_image_serves_on(
    resources: dict[str, dict[str, Any]], container: dict[str, Any]
) -> None:
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    target = resources["Service"]["spec"]["ports"][0]["targetPort"]
    assert ports[target] == int(IMAGE_COMMAND[IMAGE_COMMAND.index("--port") + 1])
    assert container.get("command") is None, "the image's entry point is kept"
    assert ["workflow-orders", *container["args"]] == IMAGE_COMMAND


def test_the_pods_run_locked_down(pod: dict[str, Any], container: dict[str, Any]) -> None:
    security = pod["securityContext"]
    assert security["runAsNonRoot"] is True
    assert (security["runAsUser"], security["runAsGroup"]) == IMAGE_UID_GID
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    own = container["securityContext"]
    assert own["allowPrivilegeEscalation"] is False
    assert own["readOnlyRootFilesystem"] is True
    assert own["capabilities"]["drop"] == ["ALL"]
    assert "add" not in own["capabilities"]
    assert own["seccompProfile"] == {"type": "RuntimeDefault"}


def test_tmp_is_the_only_writable_mount(pod: dict[str, Any], container: dict[str, Any]) -> None:
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    writable = [mount for mount in container["volumeMounts"] if not mount.get("readOnly")]
    assert [mount["mountPath"] for mount in writable] == ["/tmp"]
    assert "emptyDir" in volumes[writable[0]["name"]]


def test_the_service_account_is_ready_for_an_iam_role(
    resources: dict[str, dict[str, Any]], pod: dict[str, Any]
) -> None:
    account = resources["ServiceAccount"]
    assert pod["serviceAccountName"] == account["metadata"]["name"]
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam::")


def _secret_files(pod: dict[str, Any], container: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Path in the container → (Secret name, key) for every Secret item mounted as a file."""
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    files = {}
    for mount in container["volumeMounts"]:
        secret = volumes[mount["name"]].get("secret")
        for item in (secret or {}).get("items", []):
            files[f"{mount['mountPath']}/{item['path']}"] = (secret["secretName"], item["key"])
    return files


def test_the_tokens_file_the_configmap_names_is_a_mounted_secret(
    resources: dict[str, dict[str, Any]], pod: dict[str, Any], container: dict[str, Any]
) -> None:
    config = resources["ConfigMap"]["data"]
    assert container["envFrom"] == [{"configMapRef": {"name": resources["ConfigMap"]["metadata"]["name"]}}]
    secret_name, _ = _secret_files(pod, container)[config["WFO_AUTH_TOKENS_FILE"]]
    secrets = [
        volume["secret"] for volume in pod["volumes"] if volume.get("secret", {}).get("secretName") == secret_name
    ]
    assert not any(secret.get("optional") for secret in secrets), "without tokens the API would run open"
    cursor = {item["name"]: item for item in container["env"]}["WFO_CURSOR_SECRET"]
    assert cursor["valueFrom"]["secretKeyRef"]["name"] == secret_name


def test_the_configmap_is_a_valid_dynamodb_configuration(resources: dict[str, dict[str, Any]], tmp_path: Path) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("engine-token=write\ndashboard-token=read\n", encoding="utf-8")
    env = {
        **resources["ConfigMap"]["data"],
        "WFO_AUTH_TOKENS_FILE": str(tokens),
        "WFO_CURSOR_SECRET": "a-cursor-secret-of-32-characters",
    }
    settings = Settings.from_env(env)
    assert settings.storage == "dynamodb"
    assert settings.log_format == "json"
    assert settings.auth_tokens == {"engine-token": "write", "dashboard-token": "read"}
    # A proxy in front reuses idle connections for up to 60 s: the service must not close them first.
    assert settings.keep_alive_seconds > 60
    # Fair use is on, and a consumer may send a whole second's budget at once.
    assert settings.rate_limit_per_second > 0
    assert settings.rate_limit_burst >= settings.rate_limit_per_second
    # botocore reads the region from AWS_DEFAULT_REGION only.
    assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"]
    # Tracing stays off until an operator names a collector: a default endpoint would export spans
    # to a host that does not exist in most clusters.
    assert settings.tracing is False


def _numbered_steps(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line[:1].isdigit() and ". **" in line]


def test_the_deploy_steps_create_the_namespace_before_the_secret_that_goes_into_it() -> None:
    steps = _numbered_steps((ROOT / "docs" / "operations.md").read_text(encoding="utf-8"))
    namespace = next(index for index, step in enumerate(steps) if "**Namespace.**" in step)
    secret = next(index for index, step in enumerate(steps) if "**Secret.**" in step)
    assert namespace < secret


def test_the_network_policys_client_label_is_in_the_deploy_steps_and_the_readme(
    resources: dict[str, dict[str, Any]],
) -> None:
    ingress = resources["NetworkPolicy"]["spec"]["ingress"]
    labels = [
        rule["podSelector"]["matchLabels"]
        for entry in ingress
        for rule in entry.get("from", [])
        if "podSelector" in rule
    ]
    client_label = next(
        f'{key}: "{value}"' for match in labels for key, value in match.items() if key.endswith("/client")
    )
    assert client_label in (ROOT / "README.md").read_text(encoding="utf-8")
    steps = "\n".join(_numbered_steps((ROOT / "docs" / "operations.md").read_text(encoding="utf-8")))
    assert client_label in steps


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(Settings(sqlite_path=str(tmp_path / "probe.db"), log_level="ERROR"))) as test_client:
        yield test_client


def test_every_probe_asks_an_endpoint_that_answers_200(container: dict[str, Any], client: TestClient[Any]) -> None:
    port_names = {port["name"] for port in container["ports"]}
    probes = {kind: container[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"]["path"] == "/health/live"
    assert probes["readinessProbe"]["path"] == "/health/ready"
    for kind, probe in probes.items():
        assert probe["port"] in port_names, kind
        assert client.get(probe["path"]).status_code == 200, kind


def test_the_readiness_probe_waits_longer_than_one_storage_call(
    resources: dict[str, dict[str, Any]], container: dict[str, Any]
) -> None:
    storage_timeout = float(resources["ConfigMap"]["data"]["WFO_STORAGE_TIMEOUT_SECONDS"])
    assert container["readinessProbe"]["timeoutSeconds"] > storage_timeout


def test_pods_drain_before_sigterm_and_finish_before_sigkill(
    pod: dict[str, Any], container: dict[str, Any], resources: dict[str, Any]
) -> None:
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    pre_stop_sleep = float(pre_stop[1])
    assert pre_stop_sleep >= 5, "endpoint removal needs a few seconds to reach every proxy"
    settings = resources["ConfigMap"]["data"]
    drain = float(settings.get("WFO_SHUTDOWN_DRAIN_SECONDS", Settings().shutdown_drain_seconds))
    after_sigterm = drain + cli.GRACEFUL_SHUTDOWN_SECONDS
    assert pod["terminationGracePeriodSeconds"] > pre_stop_sleep + after_sigterm


def test_memory_and_cpu_are_requested_and_bounded(container: dict[str, Any]) -> None:
    resources = container["resources"]
    for name in ("cpu", "memory"):
        assert name in resources["requests"]
        assert name in resources["limits"]
    assert _mebibytes(resources["requests"]["memory"]) <= _mebibytes(resources["limits"]["memory"])


def _mebibytes(quantity: str) -> int:
    units = {"Mi": 1, "Gi": 1024}
    return int(quantity[:-2]) * units[quantity[-2:]]


@pytest.mark.parametrize("folder", [MANIFESTS, MANIFESTS.parent / "monitoring"])
def test_each_kustomization_puts_everything_in_the_service_namespace_and_no_manifest_names_another(
    folder: Path,
) -> None:
    """The security scan skips the default-namespace check because of this (deploy/.checkov.yaml)."""
    assert _load(folder / "kustomization.yaml")[0]["namespace"] == "workflow-orders"
    for path in sorted(folder.glob("*.yaml")):
        for resource in _load(path):
            namespace = resource.get("metadata", {}).get("namespace")
            assert namespace in (None, "workflow-orders"), f"{path.name}: {namespace}"
