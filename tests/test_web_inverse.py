"""The workbench's inverse endpoints: /api/inverse and /api/map."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from offramp.web import create_app
from tests.test_inverse import TOY

TEXT = json.dumps(TOY)


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def test_inverse_endpoint(client) -> None:
    r = client.post("/api/inverse", json={"text": TEXT, "goal": "goal"})
    assert r.status_code == 200
    data = r.json()
    assert data["found"] and data["boundary"] == {"price": 4.0}
    bad = client.post("/api/inverse", json={"text": TEXT, "goal": "goal", "parameters": ["nope"]})
    assert bad.status_code == 422 and "unknown parameter 'nope'" in bad.json()["error"]


def test_map_endpoint(client) -> None:
    body = {"text": TEXT, "goal": "goal", "x": "price", "x_low": 0, "x_high": 10}
    r = client.post("/api/map", json={**body, "y": "cost", "y_low": 0, "y_high": 8, "steps": 9})
    assert r.status_code == 200
    data = r.json()
    assert data["svg"].startswith("<svg") and len(data["verdicts"]) == 9
    bad = client.post("/api/map", json={**body, "y": "price", "y_low": 0, "y_high": 8})
    assert bad.status_code == 422 and "both 'price'" in bad.json()["error"]


def test_page_has_the_tab(client) -> None:
    page = client.get("/").text
    assert 'data-tab="inverse"' in page and 'id="map-form"' in page
