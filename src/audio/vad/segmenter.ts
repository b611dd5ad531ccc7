// Utterance segmentation from frame-wise speech probabilities (hysteresis + hangover), in the manner of
// vad-web's FrameProcessor: speech starts at p ≥ positive, ends after `redemptionMs` below negative.
import { VAD_FRAME, VAD_RATE } from './types.ts';

export interface SegmenterOptions {
  positiveThreshold?: number;
  negativeThreshold?: number;
  /** Silence needed to end an utterance. */
  redemptionMs?: number;
  /** Audio kept before the first speech frame. */
  preSpeechPadMs?: number;
  /** Audio kept after the last speech frame (bounded by the hangover). */
  postSpeechPadMs?: number;
  /** Shorter bursts are dropped as misfires. */
  minSpeechMs?: number;
  /** Longer utterances are cut here and a new one begins. */
  maxUtteranceMs?: number;
  frameSamples?: number;
  sampleRate?: number;
}

export type SegmentEvent =
  | { type: 'start'; startSample: number }
  /**
   * The utterance would end here if the silence lasts: all its audio (tail pad included) is in, only the
   * hangover is still to be waited for. Lets the caller start work early; an 'end' with the same
   * samples confirms it, speech resuming voids it.
   */
  | { type: 'candidate'; startSample: number; endSample: number }
  | { type: 'end'; startSample: number; endSample: number; forced: boolean }
  | { type: 'misfire'; startSample: number; endSample: number };

export class Segmenter {
  private readonly pos: number;
  private readonly neg: number;
  private readonly redemptionFrames: number;
  private readonly preFrames: number;
  private readonly postFrames: number;
  private readonly minSpeechFrames: number;
  private readonly maxFrames: number;
  private readonly frame: number;
  private inSpeech = false;
  private startFrame = 0;
  private lastSpeechFrame = 0;
  private speechFrames = 0;
  private quiet = 0;
  private frameIndex = 0;

  constructor(o: SegmenterOptions = {}) {
    this.frame = o.frameSamples ?? VAD_FRAME;
    const ms = (o.sampleRate ?? VAD_RATE) / 1000 / this.frame; // frames per ms
    this.pos = o.positiveThreshold ?? 0.5;
    this.neg = o.negativeThreshold ?? 0.35;
    if (!(this.neg <= this.pos)) throw new RangeError('negativeThreshold must be ≤ positiveThreshold');
    this.redemptionFrames = Math.max(1, Math.round((o.redemptionMs ?? 480) * ms));
    this.preFrames = Math.round((o.preSpeechPadMs ?? 200) * ms);
    this.postFrames = Math.min(this.redemptionFrames, Math.round((o.postSpeechPadMs ?? 100) * ms));
    this.minSpeechFrames = Math.max(1, Math.round((o.minSpeechMs ?? 250) * ms));
    this.maxFrames = Math.max(this.minSpeechFrames + 1, Math.round((o.maxUtteranceMs ?? 10_000) * ms));
  }

  /** Samples consumed so far. */
  get position(): number {
    return this.frameIndex * this.frame;
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Feeds the speech probability of the next frame; returns the events it completes. */
  push(p: number): SegmentEvent[] {
    const i = this.frameIndex++;
    const events: SegmentEvent[] = [];
    if (!this.inSpeech) {
      if (p >= this.pos) {
        this.inSpeech = true;
        this.startFrame = Math.max(0, i - this.preFrames);
        this.lastSpeechFrame = i;
        this.speechFrames = 1;
        this.quiet = 0;
        events.push({ type: 'start', startSample: this.startFrame * this.frame });
      }
      return events;
    }
    if (p >= this.pos) {
      this.speechFrames++;
      this.lastSpeechFrame = i;
      this.quiet = 0;
    } else if (p < this.neg) {
      this.quiet++;
      if (this.quiet === this.postFrames + 1 && this.speechFrames >= this.minSpeechFrames && this.quiet < this.redemptionFrames) {
        events.push({ type: 'candidate', startSample: this.startFrame * this.frame, endSample: (this.lastSpeechFrame + 1 + this.postFrames) * this.frame });
      }
    } else {
      // Ambiguous frames neither end the utterance nor count as speech, but stay inside it.
      this.lastSpeechFrame = i;
    }
    if (this.quiet >= this.redemptionFrames) {
      events.push(this.close(Math.min(i + 1, this.lastSpeechFrame + 1 + this.postFrames), false));
    } else if (i + 1 - this.startFrame >= this.maxFrames) {
      events.push(this.close(i + 1, true));
      // Still talking: the next utterance starts right here.
      if (p >= this.pos) {
        this.inSpeech = true;
        this.startFrame = i + 1;
        this.lastSpeechFrame = i;
        this.speechFrames = 1;
        this.quiet = 0;
        events.push({ type: 'start', startSample: this.startFrame * this.frame });
      }
    }
    return events;
  }

  /** End of stream: closes an open utterance. */
  flush(): SegmentEvent[] {
    if (!this.inSpeech) return [];
    return [this.close(Math.min(this.frameIndex, this.lastSpeechFrame + 1 + this.postFrames), false)];
  }

  private close(endFrame: number, forced: boolean): SegmentEvent {
    this.inSpeech = false;
    this.quiet = 0;
    const startSample = this.startFrame * this.frame;
    const endSample = endFrame * this.frame;
    if (this.speechFrames < this.minSpeechFrames) return { type: 'misfire', startSample, endSample };
    return { type: 'end', startSample, endSample, forced };
  }
}
