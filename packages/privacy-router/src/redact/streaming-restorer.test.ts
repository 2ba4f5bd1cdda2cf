import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RedactionVault } from './redaction-vault.js';
import { jsonStringEscape, restoreText } from './restore-text.js';
import { StreamingRestorer } from './streaming-restorer.js';

function vaultWith(values: Array<[string, string]>): { vault: RedactionVault; placeholders: string[] } {
  const vault = new RedactionVault();
  return { vault, placeholders: values.map(([type, value]) => vault.placeholderFor(type, value)) };
}

function streamThrough(restorer: StreamingRestorer, pieces: string[]): string {
  return pieces.map((piece) => restorer.push(piece)).join('') + restorer.flush();
}

function splitAt(text: string, cuts: number[]): string[] {
  const sorted = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((left, right) => left - right);
  const pieces: string[] = [];
  let from = 0;
  for (const cut of sorted) {
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  pieces.push(text.slice(from));
  return pieces;
}

describe('StreamingRestorer', () => {
  const { vault, placeholders } = vaultWith([
    ['EMAIL', 'jane@example.com'],
    ['TERM', 'Project "Blue" \\ Falcon'],
  ]);
  const [emailPlaceholder = '', termPlaceholder = ''] = placeholders;
  const text = `Hi ${emailPlaceholder}! About ${termPlaceholder}: see ${emailPlaceholder}. \u27e6NOT_OURS_1\u27e7 \u27e6 done`;

  it('restores a placeholder split at every position into two pieces', () => {
    const expected = restoreText(text, vault);
    expect(expected).toContain('jane@example.com');
    for (let cut = 0; cut <= text.length; cut++) {
      expect(streamThrough(new StreamingRestorer(vault), [text.slice(0, cut), text.slice(cut)])).toBe(
        expected,
      );
    }
  });

  it('restores whatever the split into many pieces (property)', () => {
    const expected = restoreText(text, vault);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (cuts) => {
        expect(streamThrough(new StreamingRestorer(vault), splitAt(text, cuts))).toBe(expected);
      }),
    );
  });

  it('holds back only a possible placeholder prefix and releases text that cannot be one', () => {
    const restorer = new StreamingRestorer(vault);
    expect(restorer.push('hello \u27e6EMA')).toBe('hello ');
    expect(restorer.pending).toBe(true);
    expect(restorer.push('IL_1\u27e7 bye')).toBe('hello jane@example.com bye'.slice('hello '.length));
    expect(restorer.push('a \u27e6 b')).toBe('a \u27e6 b');
    expect(restorer.pending).toBe(false);
  });

  it('leaves placeholders it did not make untouched', () => {
    expect(streamThrough(new StreamingRestorer(vault), ['x \u27e6EMAIL_9', '\u27e7 y'])).toBe(
      'x \u27e6EMAIL_9\u27e7 y',
    );
  });

  it('restores JSON-escaped values in tool-call arguments, split anywhere, also with \\u-escaped brackets', () => {
    const escapedTerm = termPlaceholder.replace('\u27e6', '\\u27e6').replace('\u27e7', '\\u27E7');
    const argumentsText = JSON.stringify({ to: emailPlaceholder, subject: 'x' }).replace(
      '}',
      `,"about":"${escapedTerm}"}`,
    );
    for (let cut = 0; cut <= argumentsText.length; cut++) {
      const restored = streamThrough(new StreamingRestorer(vault, 'json'), [
        argumentsText.slice(0, cut),
        argumentsText.slice(cut),
      ]);
      expect(JSON.parse(restored)).toEqual({
        to: 'jane@example.com',
        subject: 'x',
        about: 'Project "Blue" \\ Falcon',
      });
    }
    expect(jsonStringEscape('a"b\\c\n')).toBe('a\\"b\\\\c\\n');
  });
});
