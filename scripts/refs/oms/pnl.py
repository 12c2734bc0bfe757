#!/usr/bin/env python3
"""Reference positions, P&L, fees and VWAPs for tachyon-oms, computed independently with
Python's exact `fractions.Fraction` and `decimal` (no Tachyon code).

Rules (the documented accounting of crates/oms/src/position.rs and types.rs):
- average-cost netting: a reducing fill realizes  sign(pos) * closed_qty * price - closed_cost,
  where closed_cost = cost_basis * closed_qty / |pos| rounded half-even to the notional scale
  (price scale + quantity scale); closing the whole position realizes the whole basis;
- a fill that flips the position opens the remainder at the fill price;
- fee = notional * ppm / 1e6, half-even at the notional scale (the simulated venue's rule);
- an order's VWAP = sum(price * qty) / sum(qty), half-even at the price scale.

    python3 scripts/refs/oms/pnl.py > crates/oms/tests/fixtures/pnl_reference.json
"""
import json
import platform
import random
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

PS, QS = 2, 3  # price and quantity scales (tick 0.01, lot 0.001)
NS = PS + QS
SEED = 20261121


def q(x: Fraction, scale: int) -> Decimal:
    """Half-even rounding of an exact rational to `scale` decimal places."""
    num, den = x.numerator * 10**scale, x.denominator
    qt, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and qt % 2 == 1):
        qt += 1
    return Decimal(qt).scaleb(-scale).quantize(Decimal(1).scaleb(-scale))


def s(x: Decimal) -> str:
    return format(x, "f")


def run_sequence(rng: random.Random, n_orders: int):
    pos_qty = Fraction(0)
    cost = Fraction(0)  # exact basis kept at the notional grid (rounded closes)
    realized = Fraction(0)
    fees = Fraction(0)
    volume = Fraction(0)
    orders = []
    price = Fraction(10000, 100)
    for k in range(n_orders):
        side = rng.choice(["buy", "sell"])
        nfills = rng.randint(1, 4)
        fills = []
        for _ in range(nfills):
            price += Fraction(rng.randint(-50, 50), 100)
            if price <= 1:
                price = Fraction(1)
            qty = Fraction(rng.randint(1, 3000), 1000)
            ppm = rng.choice([-100, 0, 200, 1000, 750])
            fills.append((price, qty, ppm))
        vw_num = sum(p * x for p, x, _ in fills)
        vw_den = sum(x for _, x, _ in fills)
        for p, x, ppm in fills:
            sgn = 1 if side == "buy" else -1
            notional = p * x
            fee = Fraction(q(notional * ppm / 1_000_000, NS))
            fees += fee
            volume += notional
            if pos_qty == 0 or (pos_qty > 0) == (sgn > 0):
                pos_qty += sgn * x
                cost += sgn * notional
            else:
                open_ = abs(pos_qty)
                close = min(x, open_)
                closed_cost = cost if close == open_ else Fraction(q(cost * close / open_, NS))
                psign = 1 if pos_qty > 0 else -1
                realized += psign * close * p - closed_cost
                cost -= closed_cost
                pos_qty += sgn * close
                rest = x - close
                if rest > 0:
                    pos_qty = sgn * rest
                    cost = sgn * p * rest
        orders.append(
            {
                "side": side,
                "fills": [
                    {"price": s(q(p, PS)), "qty": s(q(x, QS)), "fee_ppm": ppm, "fee": s(q(p * x * ppm / 1_000_000, NS))}
                    for p, x, ppm in fills
                ],
                "vwap": s(q(vw_num / vw_den, PS)),
                "filled": s(q(vw_den, QS)),
            }
        )
    mark = price + Fraction(rng.randint(-100, 100), 100)
    if mark <= 0:
        mark = Fraction(1, 100)
    unrealized = pos_qty * mark - cost
    avg_entry = q(cost / pos_qty, PS) if pos_qty != 0 else None
    return {
        "orders": orders,
        "position": s(q(pos_qty, QS)),
        "cost_basis": s(q(cost, NS)),
        "avg_entry": s(avg_entry) if avg_entry is not None else None,
        "realized": s(q(realized, NS)),
        "fees": s(q(fees, NS)),
        "volume": s(q(volume, NS)),
        "mark": s(q(mark, PS)),
        "unrealized": s(q(unrealized, NS)),
    }


def main() -> None:
    rng = random.Random(SEED)
    cases = [run_sequence(rng, n) for n in [1, 3, 8, 20, 50, 50, 120]]
    out = {
        "meta": {
            "generator": "scripts/refs/oms/pnl.py",
            "command": "python3 scripts/refs/oms/pnl.py > crates/oms/tests/fixtures/pnl_reference.json",
            "python": platform.python_version(),
            "packages": "standard library only (fractions, decimal, random)",
            "seed": SEED,
            "scales": {"price": PS, "qty": QS},
            "data": "synthetic: seeded random fills (random walk prices, 1-3000 lots, fee ppm in {-100,0,200,750,1000})",
        },
        "cases": cases,
    }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
