import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector.js';
import { sensitivityOf } from './finding.js';

describe('createDetector', () => {
  it('finds an email and a Luhn-valid card with their offsets', () => {
    const text = 'Mail jane.doe@example.com, card 4104 3321 8196 0018 please.';
    const findings = createDetector().scan(text);
    expect(findings.map((finding) => [finding.type, text.slice(finding.start, finding.end)])).toEqual([
      ['EMAIL', 'jane.doe@example.com'],
      ['CREDIT_CARD', '4104 3321 8196 0018'],
    ]);
    expect(sensitivityOf(findings)).toBe('high');
  });

  it('rejects a 16-digit number failing Luhn', () => {
    expect(createDetector().scan('order 4104 3321 8196 0019')).toEqual([]);
  });

  it('honours the entities filter', () => {
    const findings = createDetector({ entities: ['EMAIL'] }).scan('a@b.io 4104332181960018');
    expect(findings.map((finding) => finding.type)).toEqual(['EMAIL']);
  });

  it('has sensitivity none with no findings', () => {
    expect(sensitivityOf([])).toBe('none');
  });
});
