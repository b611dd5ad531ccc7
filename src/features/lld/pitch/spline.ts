// Natural cubic spline on a fixed abscissa grid, evaluated at fixed target points, as openSMILE's
// smileMath_cspline/_csplint (smileUtilSpline.c, Numerical Recipes form) do it: the per-grid
// and per-target coefficients are computed once, so each frame costs two linear sweeps.

/** Precomputed natural spline through (xs[i], y[i]) for any y, evaluated at `targets`. */
export class NaturalSplineResampler {
  readonly n: number;
  readonly nTargets: number;
  private readonly sigma: Float64Array;
  private readonly diff1: Float64Array;
  private readonly diff2: Float64Array;
  /** Forward-elimination pivots 1/(σ·y2[i−1]+2) and y2 coefficients (σ−1)·p: they depend on the grid only. */
  private readonly pivot: Float64Array;
  private readonly coef: Float64Array;
  /** Lower grid index of each target's interval. */
  private readonly k: Int32Array;
  private readonly a: Float64Array;
  private readonly c: Float64Array;
  private readonly d: Float64Array;
  private readonly u: Float64Array;
  private readonly y2: Float64Array;

  /** `xs` strictly increasing (n ≥ 3); every target must lie within [xs[0], xs[n−1]]. */
  constructor(xs: ArrayLike<number>, targets: ArrayLike<number>) {
    const n = xs.length;
    if (n < 3) throw new RangeError(`spline needs at least 3 knots, got ${n}`);
    for (let i = 1; i < n; i++) {
      if (!(xs[i]! > xs[i - 1]!)) throw new RangeError(`spline knots must be strictly increasing (index ${i})`);
    }
    this.n = n;
    this.sigma = new Float64Array(n);
    this.diff1 = new Float64Array(n);
    this.diff2 = new Float64Array(n);
    for (let i = 1; i < n - 1; i++) {
      const xm = xs[i - 1]!;
      const x0 = xs[i]!;
      const xp = xs[i + 1]!;
      this.sigma[i] = (x0 - xm) / (xp - xm);
      this.diff1[i] = (xp - x0) * (xp - xm);
      this.diff2[i] = (x0 - xm) * (xp - xm);
    }
    this.pivot = new Float64Array(n);
    this.coef = new Float64Array(n);
    for (let i = 1; i < n - 1; i++) {
      const sg = this.sigma[i]!;
      const p = 1 / (sg * this.coef[i - 1]! + 2);
      this.pivot[i] = p;
      this.coef[i] = (sg - 1) * p;
    }
    const nt = targets.length;
    this.nTargets = nt;
    this.k = new Int32Array(nt);
    this.a = new Float64Array(nt);
    this.c = new Float64Array(nt);
    this.d = new Float64Array(nt);
    let kupper = 1;
    for (let i = 0; i < nt; i++) {
      const t = targets[i]!;
      // A last target a rounding error beyond the grid is allowed (it extrapolates by that error).
      const tol = 1e-9 * (xs[n - 1]! - xs[0]!);
      if (!(t >= xs[0]! - tol) || !(t <= xs[n - 1]! + tol)) {
        throw new RangeError(`spline target ${t} outside [${xs[0]}, ${xs[n - 1]}]`);
      }
      while (kupper < n - 1 && xs[kupper]! < t) kupper++;
      const klower = kupper - 1;
      const range = xs[kupper]! - xs[klower]!;
      const a = (xs[kupper]! - t) / range;
      const b = 1 - a;
      const range2 = (range * range) / 6;
      this.k[i] = klower;
      this.a[i] = a;
      this.c[i] = (a * a * a - a) * range2;
      this.d[i] = (b * b * b - b) * range2;
    }
    this.u = new Float64Array(n);
    this.y2 = new Float64Array(n);
  }

  /** Second derivatives of the natural spline through y (y″ = 0 at both ends), into this.y2. */
  private solve(y: ArrayLike<number>): Float64Array {
    const n = this.n;
    const { sigma, diff1, diff2, pivot, coef, u, y2 } = this;
    u[0] = 0;
    let uPrev = 0;
    for (let i = 1; i < n - 1; i++) {
      const ut = (y[i + 1]! - y[i]!) / diff1[i]! - (y[i]! - y[i - 1]!) / diff2[i]!;
      uPrev = pivot[i]! * (6 * ut - sigma[i]! * uPrev);
      u[i] = uPrev;
    }
    let next = 0;
    y2[n - 1] = 0;
    for (let j = n - 2; j >= 0; j--) {
      next = coef[j]! * next + u[j]!;
      y2[j] = next;
    }
    return y2;
  }

  /** Spline through (xs, y) evaluated at the targets, written to `out` (length nTargets). */
  resample(y: ArrayLike<number>, out: Float64Array | Float32Array): void {
    if (y.length !== this.n) throw new RangeError(`expected ${this.n} values, got ${y.length}`);
    const y2 = this.solve(y);
    const { k, a, c, d } = this;
    for (let i = 0; i < this.nTargets; i++) {
      const kl = k[i]!;
      const ai = a[i]!;
      out[i] = ai * y[kl]! + (1 - ai) * y[kl + 1]! + c[i]! * y2[kl]! + d[i]! * y2[kl + 1]!;
    }
  }
}
