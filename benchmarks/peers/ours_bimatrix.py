"""Pure Nash equilibria of a bimatrix game with offramp's engine, through its Python API (the
counterpart of peer_nashpy.py and peer_gambit.py: load the payoffs, solve, print).

A player's strategy k is written in binary over ceil(log2 n) options of its own, and the
feasible states are the n x m codes that name a strategy of each: a 200 x 200 game is 16
options and 40,000 states (one option per strategy would be 400 options, over the 63 a state
code holds). The payoffs are each player's scores; Nash stability for both players is a pure
Nash equilibrium (no player has a strictly better strategy against the other's).

    python ours_bimatrix.py GAME.npz   ->  JSON list of [row, column] pairs
"""

import json
import sys

import numpy as np

from offramp.conflict.model import ConflictModel
from offramp.conflict.stability import compute_stability

data = np.load(sys.argv[1])
a, b = data["A"], data["B"]
n, m = a.shape
bits_r, bits_c = max(1, (n - 1).bit_length()), max(1, (m - 1).bit_length())
rows, cols = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
codes = (rows | (cols << bits_r)).ravel().astype(np.uint64)
model = ConflictModel.from_ranks(
    [[f"r{k}" for k in range(bits_r)], [f"c{k}" for k in range(bits_c)]],
    ["Row", "Col"],
    codes,
    np.stack([a.ravel(), b.ravel()]).astype(np.float64),
)
result = compute_stability(model, ["nash"])
states = model.codes[result.equilibria("nash")].astype(np.int64)
mask = (1 << bits_r) - 1
print(json.dumps(sorted([int(s & mask), int(s >> bits_r)] for s in states)))
