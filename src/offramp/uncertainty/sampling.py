"""Drawing the uncertain inputs of a scenario, reproducibly and independently of how the work
is split.

Samples are drawn in fixed blocks of ``BLOCK`` samples; block b uses the random stream
``SeedSequence(seed, spawn_key=(b,))`` — numpy's construction for independent parallel streams.
Whichever worker draws a block, and however many workers there are, sample k is always the same
draw. A chunk of work is a range of whole blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from offramp.scenario.spec import ScenarioSpec

BLOCK = 250


@dataclass
class InputSpace:
    """What a sample consists of: one column per continuous input, then one per uncertain
    prioritization statement (1 = held) and one per statement of an any_order group (a random
    key that sets the order)."""

    names: list[str] = field(default_factory=list)  # continuous inputs, in column order
    distributions: list[Any] = field(default_factory=list)
    held: list[tuple[str, int, float]] = field(default_factory=list)  # (dm, entry, probability)
    order_keys: list[tuple[str, int, int]] = field(default_factory=list)  # (dm, group, entry)
    #: the alternatives drawn (one choice per sample, with the declared weights): one
    #: indicator column per choice, after every other column
    alternatives: list[Any] = field(default_factory=list)

    @classmethod
    def of(cls, scenario: ScenarioSpec) -> InputSpace:
        space = cls()
        for u in scenario.uncertain:
            space.names.append(u.name)
            space.distributions.append(u.distribution)
        for dm, pref in scenario.preferences.items():
            if pref.form != "prioritization":
                continue
            for k, (p, g) in enumerate(zip(pref.probability, pref.order_group, strict=True)):
                if p < 1:
                    space.held.append((dm, k, p))
                if g >= 0:
                    space.order_keys.append((dm, g, k))
        space.alternatives = list(scenario.sampled_alternatives)
        return space

    @property
    def alternative_width(self) -> int:
        return sum(len(a.choices) for a in self.alternatives)

    @property
    def width(self) -> int:
        return len(self.names) + len(self.held) + len(self.order_keys) + self.alternative_width

    @property
    def column_names(self) -> list[str]:
        return (
            self.names
            + [f"{dm}.prioritization[{k}] held" for dm, k, _ in self.held]
            + [f"{dm}.prioritization[{k}] order" for dm, _, k in self.order_keys]
            + [a.column(c) for a in self.alternatives for c in a.choices]
        )

    @property
    def empty(self) -> bool:
        return self.width == 0

    def draw_block(self, seed: int, block: int, count: int = BLOCK) -> np.ndarray:
        """(count, width) draws of block ``block``."""
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
        out = np.empty((count, self.width))
        for j, dist in enumerate(self.distributions):
            out[:, j] = dist.sample(rng, count)
        base = len(self.names)
        for j, (_, _, p) in enumerate(self.held):
            out[:, base + j] = rng.random(count) < p
        base += len(self.held)
        if self.order_keys:
            out[:, base : base + len(self.order_keys)] = rng.random((count, len(self.order_keys)))
        base += len(self.order_keys)
        for alt in self.alternatives:  # drawn last: scenarios without them draw as before
            k = len(alt.choices)
            drawn = rng.choice(k, size=count, p=alt.probabilities)
            out[:, base : base + k] = np.arange(k)[None, :] == drawn[:, None]
            base += k
        return out

    def orders(self, scenario: ScenarioSpec, row: np.ndarray) -> dict[str, list[int]]:
        """The prioritization order each DM holds in this sample."""
        if not self.held and not self.order_keys:
            return {}
        dropped = {
            (dm, k) for j, (dm, k, _) in enumerate(self.held) if row[len(self.names) + j] < 0.5
        }
        keys = {
            (dm, k): row[len(self.names) + len(self.held) + j]
            for j, (dm, _, k) in enumerate(self.order_keys)
        }
        out = {}
        for dm, pref in scenario.preferences.items():
            if pref.form != "prioritization":
                continue
            entries = list(range(len(pref.entries)))
            # within each any_order group, order the group's positions by the drawn keys
            for g in set(pref.order_group) - {-1}:
                slots = [k for k in entries if pref.order_group[k] == g]
                drawn = {k: keys[(dm, k)] for k in slots}
                ranked = sorted(slots, key=drawn.__getitem__)
                for slot, k in zip(slots, ranked, strict=True):
                    entries[slot] = k
            out[dm] = [k for k in entries if (dm, k) not in dropped]
        return out


def blocks_for(n: int) -> list[tuple[int, int]]:
    """(block index, sample count) covering n samples."""
    return [(b, min(BLOCK, n - b * BLOCK)) for b in range((n + BLOCK - 1) // BLOCK)]
