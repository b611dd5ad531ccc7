import { describe, expect, it } from 'vitest';
import { parseEmotionList, parseMode } from '../../../src/ui/widget/attributes.ts';

describe('<msir-detector> attributes', () => {
  it('emotions: all four by default, a subset in canonical order, unknown names rejected', () => {
    expect(parseEmotionList(null)).toEqual(['happy', 'neutral', 'sad', 'angry']);
    expect(parseEmotionList('  ')).toEqual(['happy', 'neutral', 'sad', 'angry']);
    expect(parseEmotionList('Angry, happy')).toEqual(['happy', 'angry']);
    expect(() => parseEmotionList('happy,joy,fear')).toThrow(/unknown emotion\(s\) "joy, fear"/);
  });

  it('mode: utterance by default, continuous, anything else rejected', () => {
    expect(parseMode(null)).toBe('utterance');
    expect(parseMode('')).toBe('utterance');
    expect(parseMode('continuous')).toBe('continuous');
    expect(() => parseMode('stream')).toThrow(/mode="stream"/);
  });
});
