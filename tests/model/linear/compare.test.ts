// ComParE 2016 and eGeMAPS-style functionals: dimensions, layout, and values on contours whose
// functionals are known in closed form.
import { describe, expect, it } from 'vitest';
import { LLD_COUNT, LLD_DIMS, LOGMEL_BANDS, type Features } from '../../../src/features/types.ts';
import { COMPARE_AB_NAMES, COMPARE_FUNCTIONALS_DIM, COMPARE_NZ_NAMES, compareFunctionalNames, compareFunctionals } from '../../../src/model/linear/compare.ts';
import { extremes, lpc, nonXSegments, peaks2, percentileGroup, pickExtrema, ratioLimit, regression, relThSegments, runs, times } from '../../../src/model/linear/contour-stats.ts';
import { bandSpectralLlds, EGEMAPS_FUNCTIONALS_DIM, EGEMAPS_MISSING, EGEMAPS_NAMES, egemapsFunctionals } from '../../../src/model/linear/egemaps.ts';
import { FunctionalsError } from '../../../src/model/linear/functionals.ts';
import { parseLinearWeights } from '../../../src/model/linear/model.ts';
import { LinearPredictor } from '../../../src/model/linear/predictor.ts';
import { EnsemblePredictor } from '../../../src/model/ensemble-predictor.ts';
import { FUNCTIONALS_SETS } from '../../../src/model/linear/sets.ts';
import { parseManifest } from '../../../src/model/manifest.ts';

/** Features whose LLD column c (0…194) follows cols[c](t); other columns 0; log-Mel flat at `logmel`. */
function features(T: number, cols: Record<number, (t: number) => number>, logmel = 0): Features {
  const lld = new Float32Array(T * LLD_DIMS);
  for (const [c, f] of Object.entries(cols)) for (let t = 0; t < T; t++) lld[t * LLD_DIMS + Number(c)] = f(t);
  return { lld, lldFrames: T, logmel: new Float32Array(T * LOGMEL_BANDS * 2).fill(logmel), logmelFrames: T, durationSec: T / 100 };
}

describe('contour statistics', () => {
  it('regression recovers a line and a parabola exactly (value scale normalised by the range)', () => {
    const line = Float64Array.from({ length: 11 }, (_, i) => 3 + 2 * i); // range 20
    const r = regression(line, 3, 23, false, 0.01);
    expect(r[0]).toBeCloseTo(2 / 20, 12); // slope per frame / range
    expect(r[1]).toBeCloseTo(0, 12); // offset − min
    expect(r[2]).toBeCloseTo(0, 12); // linear error
    expect(r[3]).toBeCloseTo(0, 9); // no curvature
    const perSec = regression(line, 3, 23, true, 0.01);
    expect(perSec[0]).toBeCloseTo(200 / 20, 9);
    const par = Float64Array.from({ length: 101 }, (_, i) => ((i - 50) / 50) ** 2); // 1 … 0 … 1
    const q = regression(par, 0, 1, false, 0.01);
    expect(q[3]).toBeCloseTo(1 / 2500, 9);
    expect(q[4]).toBeCloseTo(-100 / 2500, 9);
    expect(q[5]).toBeCloseTo(1, 9);
    expect(q[6]).toBeCloseTo(0, 12);
    expect(q[7]).toBeCloseTo(50 / 101, 12); // symmetric |x| around frame 50, over 101 frames
    // openSMILE's soft limit: a slope beyond range/10 per frame is compressed (a step 0 → 1 in 3 frames)
    const steep = regression(Float64Array.of(0, 0.5, 1), 0, 1, false, 0.01);
    expect(steep[0]).toBeLessThan(0.5);
    expect(steep[0]).toBeGreaterThan(0.1);
  });

  it('percentiles, extremes and times of a ramp', () => {
    const ramp = Float64Array.from({ length: 101 }, (_, i) => i);
    expect(percentileGroup(ramp)).toEqual([25, 50, 75, 25, 25, 50, 1, 99, 98]);
    expect(extremes(ramp)).toMatchObject({ range: 100, maxPos: 100 / 101, minPos: 0 });
    const t = times(ramp, 0, 100);
    expect(t.slice(0, 4)).toEqual([75 / 101, 50 / 101, 25 / 101, 10 / 101]);
    expect(t[4]).toBe(1); // always rising
    expect(t[5]).toBe(0); // no curvature
  });

  it('LPC recovers an AR(1) coefficient; segments and runs split where expected', () => {
    const ar = new Float64Array(4000);
    let s = 12345;
    for (let i = 1; i < ar.length; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      ar[i] = 0.8 * ar[i - 1]! + (s / 2147483648 - 0.5);
    }
    const a = lpc(ar, 5);
    expect(a[1]).toBeCloseTo(-0.8, 1); // A(z) = 1 − 0.8 z⁻¹
    expect(Math.abs(a[2]!)).toBeLessThan(0.08);
    expect(runs([0, 1, 1, 0, 0, 2, 0, 3, 3, 3], (v) => v !== 0)).toEqual([2, 1, 3]);
    // trailing 3-frame average of a 0/10 pulse crosses 2.5 at frame 4 (3.33), 7.5 at frame 6 (10), then 7.5 at
    // frame 7 and 2.5 at frame 8 (too close to frame 7: segMinLng 2); lengths from the start offset −1
    expect(relThSegments([0, 0, 0, 0, 10, 10, 10, 0, 0, 0, 0, 0], 0, 10, [0.25, 0.75])).toEqual([5, 3]);
    // nonX: segments need 3 frames, end at 2 equal frames, record last − first index; 1-frame gaps bridged
    expect(nonXSegments([0, 5, 5, 5, 5, 0, 0, 0, 5, 5, 0, 5, 5, 5, 0, 5, 5])).toEqual([3, 8]);
    expect(nonXSegments([5, 5])).toEqual([]);
    // the soft ratio limit: linear up to 10, approaching 20
    expect(ratioLimit(5, 10, 10)).toBe(5);
    expect(ratioLimit(1e6, 10, 10)).toBeLessThanOrEqual(20);
    expect(ratioLimit(1e6, 10, 10)).toBeGreaterThan(19);
    expect(ratioLimit(-1e6, 10, 10)).toBeCloseTo(-ratioLimit(1e6, 10, 10), 12);
  });

  it('peaks of a sine: one per period, mean distance the period, slopes from the amplitude', () => {
    const period = 40; // maxima on whole frames (strict local maxima, as openSMILE's)
    const sine = Float64Array.from({ length: 400 }, (_, i) => Math.sin((2 * Math.PI * i) / period));
    const p = peaks2(sine, 0, 2, 0.01);
    expect(p[0]).toBeCloseTo(period * 0.01, 6); // meanPeakDist, s
    // openSMILE measures the peak-distance deviation from each maximum to the minimum before it (20 frames)
    expect(p[1]).toBeCloseTo(20 * 0.01, 6);
    expect(p[4]).toBeCloseTo(1, 2); // mean peak value
    expect(p[3]).toBe(0); // all peaks equal: range 0 relative to the contour's 2
    // small ripples (below 10 % of the range) on a slow wave are not peaks
    const ripple = Float64Array.from({ length: 200 }, (_, i) => Math.sin((2 * Math.PI * i) / 100) + 0.02 * Math.sin((2 * Math.PI * i) / 4));
    expect(pickExtrema(ripple, 0.1, 2).filter((e) => e.max)).toHaveLength(2);
    // rising flank: −1 → 1 in half a period (0.2 s) = 10 per second, likewise falling (the partial flanks
    // at both ends are slower, so the means fall a little short)
    expect(p[8]).toBeGreaterThan(9);
    expect(p[8]).toBeLessThanOrEqual(10 + 1e-9);
    expect(p[10]).toBeGreaterThan(9);
  });
});

describe('ComParE 2016 functionals', () => {
  it('has 6373 values named in openSMILE order', () => {
    expect(COMPARE_FUNCTIONALS_DIM).toBe(6373);
    expect(COMPARE_AB_NAMES).toHaveLength(31);
    expect(COMPARE_NZ_NAMES).toHaveLength(39);
    const names = compareFunctionalNames();
    expect(names).toHaveLength(6373);
    expect(new Set(names).size).toBe(6373);
    expect(names[0]).toBe('lld[6]_range');
    expect(names[31 * 8]).toBe('lld[10]_range');
    const f = compareFunctionals(features(50, { 0: (t) => 100 + t }));
    expect(f).toHaveLength(6373);
  });

  it('computes the voicing group over voiced frames only and F0 segment statistics', () => {
    // F0: 120 Hz on frames 10–29 and 60–69, 0 elsewhere (100 frames)
    const f0 = (t: number): number => ((t >= 10 && t < 30) || (t >= 60 && t < 70) ? 120 : 0);
    const f = compareFunctionals(features(100, { 0: f0, 6: (t) => t }));
    const names = compareFunctionalNames();
    const at = (n: string): number => f[names.indexOf(n)]!;
    expect(at('lld[0]_amean')).toBeCloseTo(120, 5); // zeros excluded
    expect(at('lld[0]_range')).toBe(0);
    expect(at('lld[0]_stddev')).toBe(0);
    expect(at('lld[0]_nnz')).toBeCloseTo(0.3, 6);
    // voiced runs of 20 and 10 frames; openSMILE's nonX records last − first index: 19 and 9 frames
    expect(at('lld[0]_meanSegLen')).toBeCloseTo(0.14, 6);
    expect(at('lld[0]_maxSegLen')).toBeCloseTo(0.19, 6);
    expect(at('lld[0]_minSegLen')).toBeCloseTo(0.09, 6);
    expect(at('lld[0]_segLenStddev')).toBeCloseTo(0.05, 6);
    // loudness column (A) is a ramp 0…99
    expect(at('lld[6]_quartile2')).toBeCloseTo(49.5, 4);
    expect(at('lld[6]_risetime')).toBe(1);
    expect(at('lld[6]_linregc1')).toBeCloseTo(100 / 99, 4); // per second, divided by the range 99
    expect(at(`lld_de[${6}]_posamean`)).toBe(0); // Δ of the ramp is all zero here (deltas are inputs, not computed)
  });

  it('refuses damaged input', () => {
    expect(() => compareFunctionals(features(0, {}))).toThrow(FunctionalsError);
    const bad = features(3, { 7: () => Number.NaN });
    expect(() => compareFunctionals(bad)).toThrow(/non-finite/);
  });
});

describe('eGeMAPS-style functionals', () => {
  it('has 66 of the 88 eGeMAPS v02 functionals and names the 22 missing ones', () => {
    expect(EGEMAPS_FUNCTIONALS_DIM).toBe(66);
    expect(EGEMAPS_MISSING).toHaveLength(22);
    expect(EGEMAPS_NAMES.length + EGEMAPS_MISSING.length).toBe(88);
    expect(new Set([...EGEMAPS_NAMES, ...EGEMAPS_MISSING]).size).toBe(88);
  });

  it('F0 in semitones over voiced frames, voiced/unvoiced segments, loudness statistics', () => {
    // 55 Hz = 12 semitones above 27.5 Hz, voiced on frames 0–49 of 200; loudness constant 2
    const f = egemapsFunctionals(features(200, { 0: (t) => (t < 50 ? 55 : 0), 6: () => 2, 8: () => 0.1 }));
    const at = (n: string): number => f[EGEMAPS_NAMES.indexOf(n)]!;
    expect(at('F0semitoneFrom27.5Hz_sma3nz_amean')).toBeCloseTo(12, 5);
    expect(at('F0semitoneFrom27.5Hz_sma3nz_stddevNorm')).toBe(0);
    expect(at('F0semitoneFrom27.5Hz_sma3nz_pctlrange0-2')).toBe(0);
    expect(at('loudness_sma3_amean')).toBeCloseTo(2, 6);
    expect(at('VoicedSegmentsPerSec')).toBeCloseTo(0.5, 6); // one segment in 2 s
    expect(at('MeanVoicedSegmentLengthSec')).toBeCloseTo(0.5, 6);
    expect(at('MeanUnvoicedSegmentLength')).toBeCloseTo(1.5, 6);
    expect(at('equivalentSoundLevel_dBp')).toBeCloseTo(-20, 4); // 10·log10(0.1²)
    expect(f.every(Number.isFinite)).toBe(true);
  });

  it('band LLDs: a spectrum tilted by −6 dB per octave has a negative alpha ratio and slopes', () => {
    // equal band energies after the pre-emphasis gives a rising spectrum once it is undone? Build the
    // pre-emphasised log energies of a flat spectrum: then the de-emphasised spectrum is flat.
    const flat = bandSpectralLlds(new Float64Array(40).fill(0));
    // log-Mel flat = pre-emphasised flat → the speech spectrum falls with frequency (de-emphasis)
    expect(flat[0]).toBeLessThan(0); // alpha ratio: 1–5 kHz below 50–1000 Hz
    expect(flat[1]).toBeGreaterThan(0); // Hammarberg: low peak above high peak
    expect(flat[3]).toBeLessThan(0); // slope 500–1500 Hz falls
  });
});

describe('functionals sets in the model format', () => {
  it('linear.json is checked against its set (version and dimension)', () => {
    const w = (dim: number, version: number) => ({ formatVersion: 1, functionalsVersion: version, dim, weights: Array.from({ length: 4 }, () => new Array(dim).fill(0)), bias: [0, 0, 0, 0] });
    expect(parseLinearWeights(w(6373, FUNCTIONALS_SETS.compare.version), 'x', 'compare').dim).toBe(6373);
    expect(() => parseLinearWeights(w(6373, FUNCTIONALS_SETS.compare.version), 'x')).toThrow(/version|dim/);
    expect(() => parseLinearWeights(w(66, FUNCTIONALS_SETS.egemaps.version), 'x', 'compare')).toThrow(/dim 66, expected 6373/);
    expect(parseLinearWeights(w(66, FUNCTIONALS_SETS.egemaps.version), 'x', 'egemaps').dim).toBe(66);
  });

  it('the manifest field is validated; absent means the project set', () => {
    const base = {
      formatVersion: 1,
      name: 'm',
      arch: 'linear',
      branches: ['lld'],
      inputs: { lld: '2d' },
      features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: LLD_COUNT },
      normalisation: {},
      emotions: ['happy', 'neutral', 'sad', 'angry'],
      thresholds: [0.5, 0.5, 0.5, 0.5],
      encoder: null,
      training: { corpora: [], seed: 1, commit: 'x', date: 'x' },
      metrics: {},
    };
    expect(parseManifest(base).functionals).toBeUndefined();
    expect(parseManifest({ ...base, functionals: 'compare' }).functionals).toBe('compare');
    expect(() => parseManifest({ ...base, functionals: 'gemaps' })).toThrow(/functionals must be one of project, compare, egemaps/);
    expect(() => parseManifest({ ...base, arch: 'ensemble', ensemble: { members: [{ folder: 'a', weight: 1 }] }, functionals: 'compare' })).toThrow(/linear models only/);
    // Functionals come from the LLD stream, which the detector prepares only when branches name it.
    expect(() => parseManifest({ ...base, branches: [] })).toThrow(/linear model reads the LLD stream/);
  });

  it('each set says which feature streams it reads (the detector normalises only those), and an ensemble their union', () => {
    const make = (set: 'project' | 'compare' | 'egemaps'): LinearPredictor => {
      const dim = FUNCTIONALS_SETS[set].dim;
      const manifest = parseManifest({
        formatVersion: 1, name: set, arch: 'linear', branches: ['lld'], inputs: { lld: '2d' },
        features: { sampleRate: 16000, frameStepSec: 0.01, logmelBands: 40, lldCount: LLD_COUNT },
        normalisation: { functionals: { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) } },
        emotions: ['happy', 'neutral', 'sad', 'angry'], thresholds: [0.5, 0.5, 0.5, 0.5], encoder: null,
        training: { corpora: [], seed: 1, commit: 'x', date: 'x' }, metrics: {}, ...(set === 'project' ? {} : { functionals: set }),
      });
      const w = parseLinearWeights({ formatVersion: 1, functionalsVersion: FUNCTIONALS_SETS[set].version, dim, weights: Array.from({ length: 4 }, () => new Array(dim).fill(0)), bias: [0, 0, 0, 0] }, 'x', set === 'project' ? undefined : set);
      return new LinearPredictor(manifest, w);
    };
    expect(make('project').streams).toEqual({ lld: true, logmel: false });
    expect(make('compare').streams).toEqual({ lld: true, logmel: false });
    expect(make('egemaps').streams).toEqual({ lld: true, logmel: true }); // band energies from the log-Mels
    const ens = new EnsemblePredictor({ ...make('project').manifest, arch: 'ensemble', ensemble: { members: [{ folder: 'a', weight: 1 }, { folder: 'b', weight: 1 }] } }, [make('project'), make('egemaps')]);
    expect(ens.streams).toEqual({ logmel: true, lld: true });
  });
});
