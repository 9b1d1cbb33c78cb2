import { ComposedTexts } from '../../../src/persistence/composed-texts';

describe('ComposedTexts', () => {
  it('composes a sequence once and returns the same text for it after', () => {
    const texts = new ComposedTexts();
    let composed = 0;
    const make = (parts: string[]) => texts.text(parts, () => `${++composed}:${parts.join('|')}`);
    expect(make(['a', 'b'])).toBe('1:a|b');
    expect(make(['a', 'b'])).toBe('1:a|b');
    expect(make(['a', 'b', ''])).toBe('2:a|b|');
    expect(make(['a'])).toBe('3:a');
    expect(composed).toBe(3);
  });

  it('stays bounded: past its limit it forgets and composes again', () => {
    const texts = new ComposedTexts(2);
    let composed = 0;
    const make = (part: string) => texts.text([part], () => `${++composed}`);
    make('x');
    make('y');
    make('z'); // over the limit: composed, not remembered, and what was remembered is forgotten
    expect(make('x')).toBe('4');
    expect(composed).toBe(4);
  });
});
