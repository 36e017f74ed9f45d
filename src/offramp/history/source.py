"""What a run records about its scenario: name, file, variant, the text and its hash.

The text is stored with the run so that a run can be reopened exactly as it was analysed even
after the file has been edited or deleted; the sha256 of that text tells two runs of "the same
file" apart when the file changed between them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ScenarioSource:
    """The scenario of a run, as recorded. Every field may be None (e.g. a KTAB case has no
    offramp scenario name; a run without input has nothing at all)."""

    name: str | None = None
    file: str | None = None
    variant: str | None = None
    text: str | None = None

    @property
    def hash(self) -> str | None:
        return None if self.text is None else text_hash(self.text)


def text_hash(text: str) -> str:
    """sha256 hex of the text as UTF-8: stable across platforms and Python versions."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def capture(scenario: Any) -> ScenarioSource:
    """Describe ``scenario``: an :class:`offramp.Scenario`, a path to a scenario or case file,
    a :class:`ScenarioSource` (passed through), or None.

    For a built-in scenario the file is ``<builtin:NAME>`` and the text is the packaged YAML.
    A scenario built with :func:`offramp.from_dict` has no text; its data is stored as
    canonical JSON instead (JSON is YAML, so it can still be reopened).
    """
    if scenario is None:
        return ScenarioSource()
    if isinstance(scenario, ScenarioSource):
        return scenario
    if isinstance(scenario, str | Path):
        path = Path(scenario)
        try:
            text: str | None = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        return ScenarioSource(name=path.stem, file=_absolute(path), text=text)
    scenario = getattr(scenario, "spec", scenario)  # the facade's resolved document
    text = getattr(scenario, "text", None)
    if text is None and getattr(scenario, "data", None) is not None:
        text = json.dumps(scenario.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    source = getattr(scenario, "source", None)
    file = getattr(source, "file", None)
    if isinstance(file, str) and not file.startswith("<"):
        file = _absolute(Path(file))
    return ScenarioSource(
        name=getattr(scenario, "name", None),
        file=file,
        variant=getattr(scenario, "variant_name", None),
        text=text,
    )


def _absolute(path: Path) -> str:
    """Absolute so that ``runs list`` means the same file whatever directory it runs in."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path)
