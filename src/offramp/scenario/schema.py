"""JSON Schema of the scenario format, for editors and validators outside offramp."""

from __future__ import annotations

from typing import Any

from offramp.scenario.document import ScenarioDocument


def json_schema() -> dict[str, Any]:
    schema = ScenarioDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://offramp.dev/schema/offramp-1.json"
    schema["title"] = "offramp/1 scenario"
    return schema
