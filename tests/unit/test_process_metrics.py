"""/metrics also describes the process: memory, CPU, file descriptors, garbage collection, Python."""

import platform
import re
from importlib.metadata import version

from adapters.telemetry.metrics import Metrics


def _samples(text: str) -> dict[str, float]:
    """`name{labels}` (or `name`) → value, for every sample line of a text exposition."""
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def test_metrics_show_the_process_memory_cpu_and_open_file_descriptors(client):
    samples = _samples(client.get("/metrics").text)

    assert samples["process_resident_memory_bytes"] > 1_000_000
    assert samples["process_virtual_memory_bytes"] >= samples["process_resident_memory_bytes"]
    assert samples["process_cpu_seconds_total"] > 0
    assert samples["process_open_fds"] >= 3
    assert samples["process_max_fds"] >= samples["process_open_fds"]
    assert samples["process_start_time_seconds"] > 0


def test_metrics_show_garbage_collections_by_generation(client):
    text = client.get("/metrics").text

    for generation in ("0", "1", "2"):
        for family in ("python_gc_objects_collected_total", "python_gc_collections_total"):
            assert re.search(rf'^{family}{{generation="{generation}"}} \d', text, re.MULTILINE), (family, generation)


def test_metrics_show_the_python_version(client):
    text = client.get("/metrics").text

    [info] = [line for line in text.splitlines() if line.startswith("python_info{")]
    assert f'version="{platform.python_version()}"' in info
    assert f'implementation="{platform.python_implementation()}"' in info


def test_each_metrics_instance_has_its_own_process_collectors():
    """Two apps in one process (as in the tests) each expose the process metrics once."""
    first, second = Metrics().render().decode(), Metrics().render().decode()

    for text in (first, second):
        assert text.count("# TYPE process_resident_memory_bytes gauge") == 1
        assert text.count("# TYPE python_info gauge") == 1


def test_metrics_say_which_build_runs_and_which_contract_it_serves(client):
    text = client.get("/metrics").text
    contract_version = client.get("/schema/openapi.json").json()["info"]["version"]

    [info] = [line for line in text.splitlines() if line.startswith("workflow_orders_build_info{")]
    assert f'version="{version("workflow-orders")}"' in info
    assert f'api_version="{contract_version}"' in info
    assert f'python="{platform.python_version()}"' in info
    assert info.endswith(" 1.0")
