#!/usr/bin/env python3
"""Prints the series constants hard-coded in crates/stats/src/special.rs (mpmath, 40 digits).

These are mathematical constants (zeta values, polygamma values at the positive root of the
digamma function), not fitted coefficients: anyone can regenerate and check them.

    python3 scripts/refs/stats/constants.py
"""
import mpmath as mp

mp.mp.dps = 40


def f(x):
    return mp.nstr(x, 21, min_fixed=-30, max_fixed=30)


print("// (zeta(k) - 1) / k for k = 2..=31, alternating sign applied by the caller")
print("const ZETA_M1_OVER_K: [f64; 30] = [")
for k in range(2, 32):
    print(f"    {f((mp.zeta(k) - 1) / k)},")
print("];")

x0 = mp.findroot(mp.digamma, 1.46)
hi = float(x0)
lo = float(x0 - mp.mpf(hi))
print(f"// positive root of digamma: {mp.nstr(x0, 30)}")
print(f"const DIGAMMA_ROOT_HI: f64 = {hi!r};")
print(f"const DIGAMMA_ROOT_LO: f64 = {lo!r};")
print("// Taylor coefficients psi^(k)(x0) / k! for k = 1..=22")
print("const DIGAMMA_ROOT_TAYLOR: [f64; 22] = [")
for k in range(1, 23):
    print(f"    {f(mp.polygamma(k, x0) / mp.factorial(k))},")
print("];")
print(f"const EULER_GAMMA: f64 = {f(mp.euler)};")
print(f"const LN_SQRT_2PI: f64 = {f(mp.log(mp.sqrt(2 * mp.pi)))};")
print(f"const LN_PI: f64 = {f(mp.log(mp.pi))};")
print(f"const FRAC_1_SQRT_2PI: f64 = {f(1 / mp.sqrt(2 * mp.pi))};")
