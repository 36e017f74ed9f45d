"""The Spatial Model of Politics (SMP) of KTAB, deterministic mode, on several dimensions.

This is an independent implementation, written from the published description of KTAB's SMP
(KAPSARC Toolkit for Behavioral Analysis, MIT licence) and checked turn by turn against KTAB's
own runs on its own inputs (``tests/bargaining/test_smp_ktab.py``). Only KTAB's default options
are implemented, because those are the ones whose output we can check:

=================  ==========  ====================================================
option             value       meaning
=================  ==========  ====================================================
VictoryProbModel   Linear      P(i beats j) = c(i:j) / (c(i:j) + c(j:i))
VotingRule         Prop        an actor's vote is weight x utility difference
PCEModel           Conditional P(i wins) ∝ Π_j P(i beats j)
StateTransitions   Determ.     each actor adopts the most probable bargain
BigRRange          Mid         risk attitudes on [-1/2, 1]
BigRAdjust         OneThird    h's estimate of i's risk attitude is (2 R_h + R_i)/3
ThirdPartyCommit   SemiCommit  third parties vote on "i with my help" vs "j with my help"
InterVecBrgn       S2P2        bargain = average weighted by salience² x probability²
BargnModel         InitOnly    only the initiator's view of the bargain is proposed
=================  ==========  ====================================================

Everything runs on KTAB's internal 0-1 scale (positions and saliences divided by 100) and is
vectorised across actors with numpy: one turn costs O(n³) array work for n actors.

References
----------
Wise, B., Lester, L., Efird, B. et al. (2015). KTAB: KAPSARC Toolkit for Behavioral Analysis,
KAPSARC (open source, MIT licence); the SMP is described in Efird, B., Wise, B. & Lester, L.
(2016), "The Spatial Model of Politics", KAPSARC discussion paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from offramp.bargaining.errors import BargainingInputError
from offramp.bargaining.limits import check_cubic_model
from offramp.bargaining.problem import BargainingProblem
from offramp.bargaining.protocol import BargainingModel
from offramp.bargaining.result import Forecast

# Constants of KTAB's default SMP run; named so the docs can refer to them.
MIN_COALITION = 1e-10  # initial strength of each side in a bilateral contest
MIN_PCE_COALITION = 1e-8  # initial strength of each side in a PCE coalition
MIN_GAIN = 1e-5  # a challenge must be worth more than this to be made
MIN_BARGAIN_WEIGHT = 1e-6  # keeps the S2P2 interpolation away from 0/0
POSITION_TOLERANCE = 1e-3  # positions closer than this (0-1 scale) are the same position
MIN_TURNS = 2
MAX_TURNS = 100
STOP_RATIO = 0.02  # stop when the last step is < 2% of the first one
MIN_SIGNIFICANT_DELTA = 1e-4  # guards the stop ratio against 0/0


@dataclass
class SMPRun:
    """The trajectory of one SMP run, on the 0-100 scale.

    ``positions[t]`` and ``ideals[t]`` are (n, d) arrays for turn t (turn 0 = the input);
    ``win_probability[t]`` is the PCE probability, for each actor, that its position prevails
    (KTAB's ``pDist``), and ``risk[t]`` the inferred risk attitudes R_i in turn t.
    """

    positions: list[np.ndarray]
    ideals: list[np.ndarray]
    win_probability: list[np.ndarray]
    risk: list[np.ndarray]


def bs_util(dist: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    """Utility of a salience-weighted distance d for risk attitude R: (1 - d)(1 + d R).

    Beyond d = 1 (only reachable by round-off) KTAB continues the line (1 - d)(1 + R).
    """
    return np.where(dist <= 1.0, (1.0 - dist) * (1.0 + dist * risk), (1.0 - dist) * (1.0 + risk))


def weighted_distance(ideals: np.ndarray, positions: np.ndarray, sal: np.ndarray) -> np.ndarray:
    """d[i, j]: distance from actor i's ideal to actor j's position, with i's saliences.

    d = sqrt(Σ_k (s_ik (ideal_ik - p_jk))² / Σ_k s_ik²); 0 <= d <= 1 on the 0-1 scale.
    """
    diff = ideals[:, None, :] - positions[None, :, :]  # (i, j, k)
    num = np.sum((diff * sal[:, None, :]) ** 2, axis=2)
    den = np.sum(sal**2, axis=1)
    distance: np.ndarray = np.sqrt(num / den[:, None])
    return distance


def coalitions(
    weights: np.ndarray, util: np.ndarray, min_c: float = MIN_PCE_COALITION
) -> np.ndarray:
    """c[i, j]: strength of the coalition preferring option i to option j (Prop voting).

    Actor k votes w_k (u_ki - u_kj); positive votes add to c[i, j], negative ones to c[j, i].
    ``util`` is (actors, options).
    """
    votes = weights[:, None, None] * (util[:, :, None] - util[:, None, :])  # (k, i, j)
    c = min_c + np.sum(np.where(votes > 0.0, votes, 0.0), axis=0)
    np.fill_diagonal(c, min_c)
    strengths: np.ndarray = c
    return strengths


def conditional_pce(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probabilistic Condorcet election, Conditional model with Linear victory probabilities.

    P(i beats j) = c_ij / (c_ij + c_ji) (1/2 on the diagonal); P(i wins) is the probability that
    i beats every alternative, conditional on some option doing so. Returns (p, victory matrix).
    """
    pv = c / (c + c.T)
    np.fill_diagonal(pv, 0.5)
    p = np.prod(pv, axis=1)
    return p / np.sum(p), pv


def scalar_pce(weights: np.ndarray, util: np.ndarray) -> np.ndarray:
    """PCE probabilities of the options (columns of ``util``) under capability-weighted votes."""
    return conditional_pce(coalitions(weights, util))[0]


def big_r_mid(p: np.ndarray) -> np.ndarray:
    """Risk attitudes from win probabilities, "Mid" range: the likeliest winner gets R = 1
    (risk acceptant), the least likely R = -1/2 (risk averse). When every position is equally
    likely (KTAB stops with an error there) everybody is risk neutral."""
    pmin, pmax = float(np.min(p)), float(np.max(p))
    if pmax - pmin <= 1e-12 * max(pmax, 1e-300):
        return np.zeros_like(p)
    return (3.0 * p - (pmax + 2.0 * pmin)) / (2.0 * (pmax - pmin))


def _round4(x: np.ndarray) -> np.ndarray:
    """KTAB rounds bargains to 4 decimals on the 0-1 scale (half up, values are >= 0)."""
    return np.floor(0.5 + x * 10000.0) / 10000.0


def s2p2_bargain(
    pos_i: np.ndarray,
    sal_i: np.ndarray,
    prob_i: float,
    pos_j: np.ndarray,
    sal_j: np.ndarray,
    prob_j: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The bargain between initiator i and receiver j: per dimension, the average of the two
    positions weighted by s² P² (salience squared times estimated win probability squared).

    Both actors are asked to adopt (nearly) the same point; the tiny weight 1e-6 is added to the
    initiator's side for i's copy and to the receiver's side for j's copy, which avoids 0/0 when
    neither side cares, and can split the two copies by one unit of the 4th decimal after
    rounding. Returns (i's new position, j's new position) on the 0-1 scale.
    """
    wi = sal_i**2 * prob_i**2
    wj = sal_j**2 * prob_j**2
    den = wi + MIN_BARGAIN_WEIGHT + wj
    b_i = _round4(((wi + MIN_BARGAIN_WEIGHT) * pos_i + wj * pos_j) / den)
    b_j = _round4((wi * pos_i + (MIN_BARGAIN_WEIGHT + wj) * pos_j) / den)
    return b_i, b_j


def _challenges(
    autil: np.ndarray, wsal: np.ndarray, sal_sum: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For every initiator i and target j, i's estimate of P(i beats j) and of its gain.

    Implements KTAB's probEduChlg(h=i, k=i, i, j) for all (i, j) at once. ``autil[h, a, b]`` is
    h's estimate of a's utility for b's position; ``wsal`` = capability x total salience.
    Third parties n vote (SemiCommit) between "i wins with n's help" and "j wins with n's help",
    each judging the odds from the principals' coalitions plus its own vote.
    """
    n = autil.shape[0]
    idx = np.arange(n)
    own = autil[idx, idx, :]  # own[i, b] = i's estimate of i's utility of b
    u_ii = own[idx, idx]
    u_ji = autil[idx, :, idx]  # [i, j] = i's estimate of j's utility of i's position
    u_jj = autil[idx][:, idx, idx]  # [i, j] = i's estimate of j's utility of j's position
    contrib_i = wsal[:, None] * (u_ii[:, None] - own)
    contrib_j = wsal[None, :] * (u_ji - u_jj)
    pos = np.maximum
    ch_ij0 = MIN_COALITION + pos(contrib_i, 0.0) + pos(contrib_j, 0.0)
    ch_ji0 = MIN_COALITION + pos(-contrib_i, 0.0) + pos(-contrib_j, 0.0)

    gain = np.empty((n, n))
    prob = np.empty((n, n))
    # Loop over initiators to keep memory at O(n²) per step rather than O(n³) at once.
    for i in range(n):
        a = autil[i]  # a[m, b]: i's estimate of m's utility of b's position
        u_mi = a[:, i]  # (m,)
        u_mj = a.T  # [j, m] = m's utility of j's position
        u_mm = np.diagonal(a)
        c_n = wsal[None, :] * (u_mi[None, :] - u_mj)  # (j, m)
        c_ni = ch_ij0[i][:, None] + pos(c_n, 0.0)
        c_nj = ch_ji0[i][:, None] + pos(-c_n, 0.0)
        p_in = c_ni / (c_ni + c_nj)
        p_jn = 1.0 - p_in
        u_ik_j = p_in * (2.0 * u_mi[None, :] + u_mm[None, :]) + p_jn * (3.0 * u_mj)
        u_i_jk = p_in * (3.0 * u_mi[None, :]) + p_jn * (2.0 * u_mj + u_mm[None, :])
        v = wsal[None, :] * (u_ik_j - u_i_jk)
        v[:, i] = 0.0
        v[idx, idx] = 0.0
        ch_ij = ch_ij0[i] + np.sum(pos(v, 0.0), axis=1)
        ch_ji = ch_ji0[i] + np.sum(pos(-v, 0.0), axis=1)
        p_ij = ch_ij / (ch_ij + ch_ji)
        u_vict = 2.0 * own[i, i]
        u_lose = 2.0 * own[i]
        eu_sq = own[i, i] + own[i]
        eu_contest = p_ij * u_vict + (1.0 - p_ij) * u_lose
        eu_chlg = (1.0 - sal_sum) * u_vict + sal_sum * eu_contest
        gain[i] = eu_chlg - eu_sq
        prob[i] = p_ij
    return prob, gain


def _state_utilities(
    positions: np.ndarray, ideals: np.ndarray, sal: np.ndarray, cap: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distances, inferred risk attitudes and every actor's estimate of all utilities.

    Returns (dist, R, autil) with autil[h, i, j] = h's estimate of i's utility for j's position,
    using risk attitude (2 R_h + R_i) / 3 for actor i ("OneThird").
    """
    dist = weighted_distance(ideals, positions, sal)
    rn_util = bs_util(dist, 0.0)
    p, _ = conditional_pce(coalitions(cap, rn_util))
    risk = big_r_mid(p)
    r_hi = (2.0 * risk[:, None] + risk[None, :]) / 3.0  # (h, i)
    autil = bs_util(dist[None, :, :], r_hi[:, :, None])
    return dist, risk, autil


def _win_probability(positions: np.ndarray, autil: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """KTAB's reported probability that each actor's position prevails.

    The PCE runs over the unique positions (closer than `POSITION_TOLERANCE` = the same, the
    first actor holding a position represents it), voters judging with their own utilities;
    an actor gets the probability of the last unique position equivalent to its own.
    """
    n = positions.shape[0]
    same = (
        np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=2) < POSITION_TOLERANCE
    )
    unique: list[int] = []
    for i in range(n):
        if not any(same[i, unique]):
            unique.append(i)
    idx = np.arange(n)
    own = autil[idx, idx, :]
    p = scalar_pce(cap, own[:, unique])
    match = same[:, unique]
    last = match.shape[1] - 1 - np.argmax(match[:, ::-1], axis=1)
    shared: np.ndarray = p[last]
    return shared


def _step(
    positions: np.ndarray,
    ideals: np.ndarray,
    sal: np.ndarray,
    cap: np.ndarray,
    risk: np.ndarray,
    autil: np.ndarray,
) -> np.ndarray:
    """One turn: challenges, bargains, and each actor's choice among the bargains it is in."""
    n = positions.shape[0]
    sal_sum = np.sum(sal, axis=1)
    wsal = cap * sal_sum
    prob, gain = _challenges(autil, wsal, sal_sum)
    np.fill_diagonal(gain, -np.inf)

    # Bargain list: one status-quo "bargain" per actor, then one per challenge made.
    init = list(range(n))
    rcvr = list(range(n))
    pos_init = [positions[i] for i in range(n)]
    pos_rcvr = [positions[i] for i in range(n)]
    for i in range(n):
        # First j with the largest gain above the threshold, as KTAB's scan in index order.
        row = gain[i]
        ok = row > MIN_GAIN
        if not np.any(ok):
            continue
        best = float(np.max(row[ok]))
        j = int(np.flatnonzero(ok & (row == best))[0])
        p = float(prob[i, j])
        b_i, b_j = s2p2_bargain(positions[i], sal[i], p, positions[j], sal[j], 1.0 - p)
        init.append(i)
        rcvr.append(j)
        pos_init.append(b_i)
        pos_rcvr.append(b_j)

    init_a = np.array(init)
    rcvr_a = np.array(rcvr)
    is_sq = init_a == rcvr_a
    # Utility to every actor a of every bargain b: a's average utility over all positions, with
    # the initiator's and receiver's positions replaced by the bargain.
    idx = np.arange(n)
    own = autil[idx, idx, :]  # own[a, j]
    total = np.sum(own, axis=1)  # (a,)
    bi = np.array(pos_init)
    bj = np.array(pos_rcvr)
    u_bi = bs_util(weighted_distance(ideals, bi, sal), risk[:, None])  # (a, b)
    u_bj = bs_util(weighted_distance(ideals, bj, sal), risk[:, None])
    u_b = (u_bi + u_bj + total[:, None] - own[:, init_a] - own[:, rcvr_a]) / n
    u_b[:, is_sq] = total[:, None] / n

    new_positions = positions.copy()
    for k in range(n):
        mine = np.flatnonzero((init_a == k) | (rcvr_a == k))
        # KTAB lists an actor's own status quo first only by thread timing; put it first, and
        # the rest in the order the challenges were made. Ties between bargains are only
        # possible between bargains that every actor values identically.
        mine = np.concatenate([mine[is_sq[mine]], mine[~is_sq[mine]]])
        chosen = scalar_pce(cap, u_b[:, mine])
        m = int(mine[int(np.argmax(chosen))])
        if is_sq[m]:
            continue
        new_positions[k] = bi[m] if init_a[m] == k else bj[m]
    return new_positions


def run_smp(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    accommodation: np.ndarray | None = None,
    max_turns: int = MAX_TURNS,
    scale: tuple[float, float] = (0.0, 100.0),
) -> SMPRun:
    """Run KTAB's SMP from positions on ``scale`` (0-100 by default), saliences on 0-1 and
    capabilities > 0.

    ``accommodation`` is KTAB's ideal-adjustment matrix A (identity when omitted, as for CSV
    input): after each turn, ideal_i <- Σ_j A_ij p_j + (1 - Σ_j A_ij) ideal_i.
    Stops when Σ_i ||Δp_i|| of the last turn is below 2% of the first turn's (+1e-4),
    after at least 2 and at most ``max_turns`` turns.
    """
    low, high = scale
    span = high - low
    # KTAB works on 0-1: map the problem's own scale there (and back), so the run is the same
    # whatever units the positions are written in
    pos = (np.asarray(positions, dtype=float) - low) / span
    sal = np.asarray(saliences, dtype=float)
    cap = np.asarray(capabilities, dtype=float)
    n = pos.shape[0]
    acc = np.eye(n) if accommodation is None else np.asarray(accommodation, dtype=float)
    ideals = pos.copy()

    hist_p = [pos]
    hist_i = [ideals]
    hist_w: list[np.ndarray] = []
    hist_r: list[np.ndarray] = []
    _, risk, autil = _state_utilities(pos, ideals, sal, cap)
    turn = 0
    while True:
        hist_w.append(_win_probability(pos, autil, cap))
        hist_r.append(risk)
        new_pos = _step(pos, ideals, sal, cap, risk, autil)
        lag = 1.0 - np.minimum(np.sum(acc, axis=1), 1.0)
        ideals = acc @ new_pos + lag[:, None] * ideals
        pos = new_pos
        turn += 1
        hist_p.append(pos)
        hist_i.append(ideals)
        _, risk, autil = _state_utilities(pos, ideals, sal, cap)
        d01 = np.sum(np.linalg.norm(hist_p[1] - hist_p[0], axis=1)) + MIN_SIGNIFICANT_DELTA
        dxy = np.sum(np.linalg.norm(hist_p[-1] - hist_p[-2], axis=1))
        if turn >= max_turns or (turn >= MIN_TURNS and dxy / d01 < STOP_RATIO):
            break
    hist_w.append(_win_probability(pos, autil, cap))
    hist_r.append(risk)
    return SMPRun(
        positions=[p * span + low for p in hist_p],
        ideals=[p * span + low for p in hist_i],
        win_probability=hist_w,
        risk=hist_r,
    )


def smp(problem: BargainingProblem, max_turns: int = MAX_TURNS) -> Forecast:
    """Forecast with KTAB's SMP; the forecast is the capability-weighted mean of the final
    positions weighted by salience (KTAB reports the trajectory, not a single outcome; when the
    run converges the actors share a position and any weighting gives it).

    Actors with zero salience on every dimension take no part (KTAB's distance is undefined
    for them); they keep their position in every round. Saliences must total at most 1 per
    actor, as in KTAB.
    """
    check_cubic_model(problem, "smp")  # n^3 arrays: refuse before allocating
    sal = problem.saliences
    total = np.sum(sal, axis=1)
    if np.any(total > 1.0 + 1e-9):
        who = problem.actors[int(np.argmax(total))]
        raise BargainingInputError(
            f"smp needs each actor's saliences to total at most 1 (100 on KTAB's scale); "
            f"{who} totals {float(np.max(total)):g}"
        )
    keep = total > 0
    n = problem.n_actors
    rounds: list[np.ndarray]
    details: dict[str, Any] = {}
    x = problem.positions
    if np.count_nonzero(keep) < 2 or np.all(np.ptp(x[keep], axis=0) == 0):
        rounds = [x.copy()]
    else:
        acc = problem.accommodation
        if acc is not None:
            acc = acc[np.ix_(keep, keep)]
        scale = problem.scale or (0.0, 100.0)
        run = run_smp(x[keep], sal[keep], problem.capabilities[keep], acc, max_turns, scale)
        rounds = [x.copy()]  # the input exactly, not its round trip through the 0-1 scale
        for p in run.positions[1:]:
            full = x.copy()
            full[keep] = p
            rounds.append(full)
        win = np.zeros((len(run.positions), n))
        win[:, keep] = np.array(run.win_probability)
        risk = np.zeros((len(run.positions), n))
        risk[:, keep] = np.array(run.risk)
        details = {
            "turns": len(run.positions) - 1,
            "win_probability_by_turn": win.tolist(),
            "risk_attitude_by_turn": risk.tolist(),
        }
    w = problem.capabilities[:, None] * sal
    final = rounds[-1]
    tw = np.sum(w, axis=0)
    forecast = np.where(tw > 0, np.sum(w * final, axis=0) / np.where(tw > 0, tw, 1.0), np.nan)
    return Forecast(
        model="smp",
        scenario=problem.name,
        dimensions=list(problem.dimensions),
        actors=list(problem.actors),
        rounds=rounds,
        forecast=forecast,
        details=details,
    )


@dataclass(frozen=True)
class SMP(BargainingModel):
    """KTAB's Spatial Model of Politics, deterministic, KTAB's default options."""

    max_turns: int = MAX_TURNS

    name: ClassVar[str] = "smp"
    interval_half_width: ClassVar[float | None] = 38.80  # see offramp.bargaining.intervals
    in_reports: ClassVar[bool] = True
    description: ClassVar[str] = "KTAB's Spatial Model of Politics (deterministic, default options)"
    reference: ClassVar[str] = (
        "Wise, Lester, Efird et al. (2015), KAPSARC Toolkit for Behavioral Analysis (KTAB)"
    )

    def forecast(self, problem: BargainingProblem) -> Forecast:
        return smp(problem, self.max_turns)

    def explain(self, fc: Forecast) -> list[dict[str, Any]]:
        if not fc.details:
            return []
        return [
            {"text": f"smp: {fc.details['turns']} turns (KTAB default parameters, deterministic)"}
        ]
