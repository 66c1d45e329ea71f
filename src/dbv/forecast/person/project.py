"""The state arithmetic of one January-to-January step, for many simulations at once.

For each state (need k, group g, NCY a) holding x children at January t:

1. leavers ``L ~ Binomial(x, leave[g, a])``; the rest ``s = x - L`` stay;
2. movers ``M ~ Binomial(s, move[g, a])`` change setting group, spread by
   ``Multinomial(M, move_dest[g, a, :])`` (never to their own group);
3. need changes ``C ~ Binomial(., need_change[a])`` spread by ``Multinomial(C, need_dest[k, :])``;
4. everyone ages on one NCY; whoever would pass the last NCY leaves (ages out);
5. joiners at each NCY and (need, group): ``Poisson(population[a] * join[a] * join_dest[a, k, g])``
   (a Poisson-split of the joiner total, so the total is Poisson(population x rate)).

With ``rng=None`` every draw is replaced by its expectation (the variance switched off), which
is how :meth:`PersonLevelModel.predict` and the hand-made YAML cases run. Random draws work on
the non-empty cells only (``np.flatnonzero``), all simulations in one array; the multinomial
splits are drawn one mover or joiner at a time by inverse CDF (:mod:`.sampling`), which has the
same distribution and is far faster for many small rows.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

from dbv.forecast.person.rates import Paths, Rates, check
from dbv.forecast.person.sampling import Tables
from dbv.forecast.person.shrink import Floats, Ints


def project(
    start: Ints | Floats,
    rates: Rates,
    population: Floats,
    h: int,
    n: int = 1,
    rng: np.random.Generator | None = None,
) -> Paths:
    """Step ``start`` (K, G, A) forward ``h`` Januaries; ``population`` is (A, h)."""
    k, g, a = start.shape
    check(rates, (k, g, a), population, h, n)
    size = k * g * a
    stock = np.empty((h, n, size))
    joiners, leavers, aged = np.empty((n, h)), np.empty((n, h)), np.empty((n, h))
    if rng is None:
        xf = np.broadcast_to(np.asarray(start, dtype=np.float64), (n, k, g, a)).copy()
        for j in range(h):
            xf, joiners[:, j], leavers[:, j], aged[:, j] = _expected(xf, rates, population[:, j], j)
            stock[j] = xf.reshape(n, size)
    else:
        xi = np.broadcast_to(np.asarray(start, dtype=np.int64), (n, k, g, a)).copy()
        tables = Tables.build(rates, (k, g, a))
        for j in range(h):
            xi, joiners[:, j], leavers[:, j], aged[:, j] = _random(
                xi, rates, tables, population[:, j], j, rng
            )
            stock[j] = xi.reshape(n, size)
    return Paths(
        np.moveaxis(stock, 0, -1),  # (n, S, h) view: no second copy of the largest array
        joiners,
        leavers,
        aged,
        np.asarray(start, dtype=np.float64).ravel(),
    )


Counts = TypeVar("Counts", Floats, Ints)


def _age_on(w: Counts) -> tuple[Counts, Floats]:
    """Everyone one NCY older; returns the new stock and, per simulation, who aged out."""
    n_a = w.shape[-1]
    flat = w.reshape(-1)
    y = np.empty_like(flat)
    y[1:] = flat[:-1]
    y[::n_a] = 0
    aged = w.reshape(w.shape[0], -1, n_a)[:, :, -1].sum(axis=1)
    return y.reshape(w.shape), np.asarray(aged, dtype=np.float64)


def _joiner_means(r: Rates, pop: Floats, j: int) -> Floats:
    """(p, K, G, A) expected joiners."""
    lam = pop[None, :, None, None] * r.join[:, :, j, None, None] * r.join_dest
    return np.asarray(lam.transpose(0, 2, 3, 1), dtype=np.float64)


def _expected(x: Floats, r: Rates, pop: Floats, j: int) -> tuple[Floats, Floats, Floats, Floats]:
    not_last = np.ones(x.shape[-1])
    not_last[-1] = 0.0
    left = x * r.leave[:, None]
    s = x - left
    moved = s * r.move[:, None] * not_last
    z = s - moved + np.einsum("nkga,ngah->nkha", moved, r.move_dest)
    changed = z * r.need_change[:, None, None, :] * not_last
    w = z - changed + np.einsum("nkga,nkl->nlga", changed, r.need_dest)
    y, aged = _age_on(w)
    new = _joiner_means(r, pop, j)
    y = y + new
    return y, np.broadcast_to(new.sum(axis=(1, 2, 3)), aged.shape), left.sum((1, 2, 3)) + aged, aged


def _random(
    x: Ints, r: Rates, t: Tables, pop: Floats, j: int, rng: np.random.Generator
) -> tuple[Ints, Floats, Floats, Floats]:
    n, k, g, a = x.shape
    size = k * g * a
    per_sim = r.leave.shape[0] > 1
    not_last = t.not_last

    nz = np.flatnonzero(x)
    i, s = np.divmod(nz, size)
    ga = t.ga[s]  # group * A + NCY of each cell
    ip = i * per_sim
    count = x.ravel()[nz]
    left = rng.binomial(count, r.leave.reshape(-1, g * a)[ip, ga])
    gone = np.bincount(i, weights=left, minlength=n)
    stay = count - left
    moved = rng.binomial(stay, r.move.reshape(-1, g * a)[ip, ga] * not_last[s])
    z = np.zeros(x.size, dtype=np.int64)
    z[nz] = stay - moved
    c = np.repeat(np.arange(nz.size), moved)  # one entry per mover
    to = t.move.draw(rng, ip[c] * (g * a) + ga[c])
    np.add.at(z, nz[c] + (to - t.gg[s[c]]) * a, 1)  # same need and NCY, new group

    nz = np.flatnonzero(z)
    i, s = np.divmod(nz, size)
    ip = i * per_sim
    kk, aa = t.kk[s], t.aa[s]
    count = z[nz]
    changed = rng.binomial(count, r.need_change[ip, aa] * not_last[s])
    z[nz] = count - changed
    c = np.repeat(np.arange(nz.size), changed)
    to = t.need.draw(rng, ip[c] * k + kk[c])
    np.add.at(z, nz[c] + (to - kk[c]) * (g * a), 1)  # same group and NCY, new need

    y, aged = _age_on(z.reshape(x.shape))
    total = rng.poisson(pop[None, :] * r.join[:, :, j] * np.ones((n, 1)))  # (n, A)
    if total.sum() > t.join.ITEMS_PER_ROW_TO_SPLIT * total.size:  # many joiners per NCY
        params = (np.arange(n)[:, None] * per_sim * a + np.arange(a)[None, :]).ravel()
        split = t.join.split(rng, total.ravel(), params).reshape(n, a, k, g)
        y += split.transpose(0, 2, 3, 1)
    else:  # one draw per joiner: (sim, NCY) -> need * G + group
        row = np.repeat(np.arange(n * a), total.ravel())
        si, sa = np.divmod(row, a)
        cat = t.join.draw(rng, si * per_sim * a + sa)
        np.add.at(y.reshape(-1), (si * k * g + cat) * a + sa, 1)
    return y, total.sum(axis=1).astype(np.float64), gone + aged, aged
