"""Pure Nash equilibria of a bimatrix game with nashpy (run in the peers' environment).

nashpy's algorithms (support and vertex enumeration, Lemke-Howson) find mixed equilibria; a
nashpy user after the pure ones asks the game whether each pure profile is a pair of best
responses (``Game.is_best_response``), which is what this does.

    python peer_nashpy.py GAME.npz   ->  JSON list of [row, column] pairs
"""

import json
import sys

import nashpy
import numpy as np

data = np.load(sys.argv[1])
game = nashpy.Game(data["A"], data["B"])
rows, cols = data["A"].shape
eye_r, eye_c = np.eye(rows), np.eye(cols)
pure = [
    [i, j]
    for i in range(rows)
    for j in range(cols)
    if all(game.is_best_response(eye_r[i], eye_c[j]))
]
print(json.dumps(pure))
