"""expm1_fit.py: derive the constants of libseli/src/ops/expm1_wide.c (issue 16).

expm1(x) = 2^k (expm1(r) + 1) - 1 with x = k ln2 + r, |r| <= ln2/2.  On that
interval expm1(r) = r + r^2 q(r), and this script fits q, a polynomial of
degree DEG, so that the *relative* error of r + r^2 q(r) is as small as
possible (a minimax fit by Lawson's iteratively reweighted least squares on a
dense grid, in long double), then rounds the coefficients to float, refits the
remaining ones after each rounding, and prints them with the float error of
the fit.  It also prints the hi/lo split of ln2 (hi has 16 significant bits,
so k * hi is exact for |k| <= 256) and 1/ln2.

    build/venv/bin/python bench/expm1_fit.py
"""
import numpy as np

DEG = 5
A = 0.3470  # a little past ln2/2 = 0.34657: k is rounded from a rounded x/ln2
LD = np.longdouble


def target(r):
    return np.expm1(r.astype(LD))


def fit(r, fixed):
    """Coefficients c[len(fixed)..DEG] of q, c[:len(fixed)] given (floats)."""
    e = target(r)
    # relative residual: (r + r^2 sum c_j r^j - e) / e, linear in the free c_j
    base = r + r * r * sum(LD(c) * r**j for j, c in enumerate(fixed)) - e
    cols = [r * r * r**j / e for j in range(len(fixed), DEG + 1)]
    M = np.stack(cols, axis=1).astype(np.float64)
    b = (-base / e).astype(np.float64)
    w = np.ones_like(b)
    for _ in range(200):  # Lawson: reweight towards the worst points
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(M * sw[:, None], b * sw, rcond=None)
        res = np.abs(M @ c - b)
        w = w * res
        w /= w.sum()
    return list(fixed) + list(c)


def rel_err_float(r, c):
    """max relative error of the polynomial evaluated in float32 (Horner + fma-free)."""
    r32 = r.astype(np.float32)
    q = np.float32(c[-1])
    for cj in reversed(c[:-1]):
        q = q * r32 + np.float32(cj)
    p = r32 + r32 * r32 * q
    e = target(r32.astype(np.float64))
    return float(np.max(np.abs((p.astype(LD) - e) / e)))


r = np.linspace(-A, A, 20001)
r = r[np.abs(r) > 1e-4]  # q is smooth through 0; avoid 0/0 in the weights
coef = []
while len(coef) <= DEG:
    c = fit(r, coef)
    coef.append(float(np.float32(c[len(coef)])))
print("q coefficients (c0 + c1 r + ... ), as floats:")
for j, cj in enumerate(coef):
    print(f"  c{j} = {np.float32(cj)!r:>16}  ({float(np.float32(cj)).hex()})  Taylor 1/{j + 2}! = {1 / np.prod(np.arange(1, j + 3)):.9g}")
print(f"max relative error of r + r^2 q(r) in float on [-{A}, {A}]: {rel_err_float(r, coef):.3g} "
      f"(float's half ulp is {2.0**-24:.3g})")

ln2 = np.log(LD(2))
hi = np.float32(np.round(ln2 * 2**16) / 2**16)
lo = np.float32(ln2 - LD(hi))
print(f"ln2 hi = {hi!r} ({float(hi).hex()}), lo = {lo!r} ({float(lo).hex()})")
print(f"1/ln2  = {np.float32(1 / ln2)!r}")
print(f"-1 below x = -25 ln2 = {float(-25 * ln2):.9g}; overflow above ln(FLT_MAX) = "
      f"{float(np.log(LD(np.finfo(np.float32).max))):.9g}")
