import { entityTypes as policyEntityTypes } from '@nemoclaw/policy';
import { describe, expect, it } from 'vitest';
import { entitySensitivity, entityTypes, type Finding, isEntityType, sensitivityOf } from './finding.js';
import { resolveOverlaps } from './resolve-overlaps.js';

function finding(type: Finding['type'], start: number, end: number, score: number): Finding {
  return { type, start, end, score, detector: 'test' };
}

describe('entity types', () => {
  it('is the same closed list as @nemoclaw/policy', () => {
    expect([...entityTypes]).toEqual([...policyEntityTypes]);
    expect(Object.keys(entitySensitivity).sort()).toEqual([...entityTypes].sort());
    expect(isEntityType('SECRET')).toBe(true);
    expect(isEntityType('secret')).toBe(false);
  });

  it('maps findings to the highest sensitivity', () => {
    expect(sensitivityOf([])).toBe('none');
    expect(sensitivityOf([finding('URL', 0, 1, 1)])).toBe('low');
    expect(sensitivityOf([finding('URL', 0, 1, 1), finding('PERSON', 2, 3, 1)])).toBe('medium');
    expect(sensitivityOf([finding('PERSON', 0, 1, 1), finding('SECRET', 2, 3, 1)])).toBe('high');
    expect(sensitivityOf([finding('TERM', 0, 1, 1)])).toBe('high');
  });
});

describe('resolveOverlaps', () => {
  it('keeps the highest score, then the longest span, and sorts by start', () => {
    const resolved = resolveOverlaps([
      finding('PHONE', 10, 20, 0.6),
      finding('US_SSN', 10, 21, 0.85),
      finding('PERSON', 0, 5, 0.6),
      finding('LOCATION', 3, 9, 0.6),
      finding('EMAIL', 30, 40, 1),
      finding('URL', 25, 45, 0.6),
    ]);
    expect(resolved.map((entry) => entry.type)).toEqual(['LOCATION', 'US_SSN', 'EMAIL']);
  });

  it('drops empty spans', () => {
    expect(resolveOverlaps([finding('EMAIL', 4, 4, 1)])).toEqual([]);
  });
});

describe('resolveOverlaps (property)', () => {
  it('never keeps overlapping findings and drops only findings beaten by a kept one', async () => {
    const fc = await import('fast-check');
    const arbitraryFinding = fc
      .record({
        start: fc.integer({ min: 0, max: 60 }),
        length: fc.integer({ min: 1, max: 15 }),
        score: fc.constantFrom(0.5, 0.6, 0.85, 1),
      })
      .map(({ start, length, score }) => finding('PHONE', start, start + length, score));
    fc.assert(
      fc.property(fc.array(arbitraryFinding, { maxLength: 40 }), (findings) => {
        const kept = resolveOverlaps(findings);
        for (let index = 1; index < kept.length; index += 1) {
          const previous = kept[index - 1];
          const current = kept[index];
          if (previous === undefined || current === undefined) continue;
          if (previous.end > current.start) return false;
        }
        for (const dropped of findings.filter((entry) => !kept.includes(entry))) {
          const beaten = kept.some(
            (winner) =>
              winner.start < dropped.end &&
              dropped.start < winner.end &&
              (winner.score > dropped.score ||
                (winner.score === dropped.score && winner.end - winner.start >= dropped.end - dropped.start)),
          );
          if (!beaten) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
