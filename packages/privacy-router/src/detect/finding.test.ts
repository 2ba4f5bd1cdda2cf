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
