"""OPTIONS and 405 name, in `Allow`, exactly the methods the OpenAPI document lists for each path,
and HEAD wherever GET is served."""

import re

import pytest

from builders import UNKNOWN_ID

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def documented(client):
    """Each path of the served document, made concrete, with the methods the document lists for it."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    return {
        re.sub(r"\{[^}]+\}", UNKNOWN_ID, path): {method.upper() for method in item if method in HTTP_METHODS}
        for path, item in paths.items()
    }


def _served(methods):
    """What `Allow` names for a path documenting `methods`: those, OPTIONS, and HEAD with GET."""
    return methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())


def _allow(response):
    return {method.strip() for method in response.headers["allow"].split(",")}


def test_the_document_lists_several_methods_on_the_paths_that_serve_them(documented):
    assert documented["/v1/workflows"] == {"GET", "POST"}
    assert documented[f"/v1/workflows/{UNKNOWN_ID}"] == {"GET", "PUT", "DELETE"}
    assert documented[f"/v1/workflows/{UNKNOWN_ID}/orders"] == {"GET", "POST"}


def test_options_on_every_documented_path_allows_exactly_its_documented_methods(client, documented):
    for path, methods in documented.items():
        response = client.options(path)

        assert response.status_code == 204, path
        assert _allow(response) == _served(methods), path


def test_options_with_a_read_token_allows_every_method_of_a_secured_path(secured_client, documented):
    response = secured_client.options("/v1/workflows", headers={"Authorization": "Bearer r-token"})

    assert response.status_code == 204
    assert _allow(response) == _served(documented["/v1/workflows"])


def test_a_method_no_path_serves_is_405_with_allow_naming_exactly_the_documented_methods(client, documented):
    for path, methods in documented.items():
        response = client.request("PATCH", path)

        assert response.status_code == 405, path
        assert _allow(response) == _served(methods), path
