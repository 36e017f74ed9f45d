"""Pure Nash equilibria of a bimatrix game with Gambit's Python package (``pygambit``,
``enumpure_solve``), run in the peers' environment.

    python peer_gambit.py GAME.npz   ->  JSON list of [row, column] pairs
"""

import json
import sys
from fractions import Fraction

import numpy as np
import pygambit

data = np.load(sys.argv[1])
A = [[Fraction(int(v)) for v in row] for row in data["A"]]
B = [[Fraction(int(v)) for v in row] for row in data["B"]]
game = pygambit.Game.from_arrays(A, B)
result = pygambit.nash.enumpure_solve(game)
players = list(game.players)
pure = []
for profile in result.equilibria:
    pick = []
    for player in players:
        strategies = list(player.strategies)
        pick.append(next(k for k, s in enumerate(strategies) if profile[s] == 1))
    pure.append(pick)
print(json.dumps(sorted(pure)))
