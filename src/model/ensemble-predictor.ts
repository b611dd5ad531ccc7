// EmotionPredictor for arch 'ensemble': the weighted mean of its members' positive probabilities.
// Members are whole model folders (any arch) so each keeps its own normalisation and thresholds; only
// the ensemble's thresholds, chosen on val over the mean, decide. Attention comes from the first member
// that has the branch (members see the same frames, so any one curve is a faithful picture).
import type { ModelManifest } from './manifest.ts';
import type { EmotionPredictor, FeatureStreams, Prediction, PredictorInput } from './predictor.ts';

export class EnsemblePredictor implements EmotionPredictor {
  private readonly order: number[][];
  get streams(): FeatureStreams {
    return { logmel: this.members.some((m) => m.streams.logmel), lld: this.members.some((m) => m.streams.lld) };
  }
  private readonly weights: number[];

  constructor(
    readonly manifest: ModelManifest,
    readonly members: EmotionPredictor[],
  ) {
    const spec = manifest.ensemble?.members;
    if (!spec || spec.length !== members.length) throw new Error('ensemble manifest and loaded members disagree');
    // Per member: where each of the ensemble's emotions sits in that member's output.
    this.order = members.map((m, i) =>
      manifest.emotions.map((e) => {
        const k = m.manifest.emotions.indexOf(e);
        if (k < 0) throw new Error(`ensemble member ${spec[i]!.folder} ("${m.manifest.name}") does not detect "${e}"`);
        return k;
      }),
    );
    const total = spec.reduce((s, m) => s + m.weight, 0);
    this.weights = spec.map((m) => m.weight / total);
  }

  async predict(input: PredictorInput): Promise<Prediction> {
    const preds = await Promise.all(this.members.map((m) => m.predict(input)));
    const probabilities = new Float32Array(this.manifest.emotions.length);
    for (let i = 0; i < preds.length; i++) {
      const p = preds[i]!.probabilities;
      const w = this.weights[i]!;
      const order = this.order[i]!;
      for (let k = 0; k < probabilities.length; k++) probabilities[k]! += w * p[order[k]!]!;
    }
    const attention: Prediction['attention'] = {};
    for (const pred of preds) {
      for (const b of ['cr', 'lld', 'w2v'] as const) if (!attention[b] && pred.attention[b]) attention[b] = pred.attention[b];
    }
    return { probabilities, attention };
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
