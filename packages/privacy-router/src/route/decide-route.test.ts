import { describe, expect, it } from 'vitest';
import { createDetector } from '../detect/create-detector.js';
import type { Finding } from '../detect/finding.js';
import { decideLocalUnavailable, decideRoute, formatRouteReason } from './decide-route.js';
import type { RouterInferencePolicy } from './policy-types.js';
import { resolveProviders } from './resolve-providers.js';

const policy: RouterInferencePolicy = {
  providers: {
    local: { kind: 'nemotron', base_url: 'http://127.0.0.1:8000/v1' },
    cloud: {
      kind: 'openai-compatible',
      base_url: 'https://integrate.api.nvidia.com/v1',
      api_key_env: 'NVIDIA_API_KEY',
    },
  },
  default_route: 'cloud',
  rules: [
    { when: { entities: ['SECRET'] }, route: 'block' },
    { when: { entities: ['CREDIT_CARD', 'IBAN'] }, route: 'local' },
    { when: { terms: ['customers'], sensitivity: 'high' }, route: 'local' },
    { when: { sensitivity: 'medium' }, route: 'cloud', redact: true },
  ],
  terms: { customers: { values: ['Acme Corp'] } },
};

const detector = createDetector({ terms: { customers: ['Acme Corp'] } });

function finding(type: Finding['type'], subtype?: string): Finding {
  return {
    type,
    start: 0,
    end: 1,
    score: 1,
    detector: 'test',
    ...(subtype === undefined ? {} : { subtype }),
  };
}

function routeOf(decision: ReturnType<typeof decideRoute>): string {
  return decision.route === 'block' ? 'block' : decision.route.id;
}

describe('decideRoute', () => {
  it('takes the first matching rule, ANY within a list', () => {
    const decision = decideRoute(detector.scan('pay 4539 1488 0343 6467 to jane@example.com'), policy);
    expect(routeOf(decision)).toBe('local');
    expect(decision.reason).toEqual({
      basis: 'rule',
      rule: 1,
      entities: { CREDIT_CARD: 1, EMAIL: 1 },
      sensitivity: 'high',
    });
    expect(decision.redact).toBe(false);
    expect(decision.sticky).toBe(true);
  });

  it('lets block win over a later rule', () => {
    expect(routeOf(decideRoute([finding('SECRET', 'aws'), finding('CREDIT_CARD')], policy))).toBe('block');
  });

  it('requires ALL keys of a condition (terms and sensitivity)', () => {
    const term = detector.scan('renew Acme Corp');
    expect(decideRoute(term, policy).reason.rule).toBe(2);
    const weakOnly = decideRoute([finding('TERM', 'other-list')], policy);
    expect(weakOnly.reason.rule).not.toBe(2);
  });

  it('uses the sensitivity threshold and the default route, redacting for the cloud', () => {
    const medium = decideRoute(detector.scan('mail jane@example.com'), policy);
    expect(routeOf(medium)).toBe('cloud');
    expect(medium.reason.rule).toBe(3);
    expect(medium.redact).toBe(true);
    const none = decideRoute([], policy);
    expect(none.reason).toEqual({ basis: 'default', rule: null, entities: {}, sensitivity: 'none' });
    expect(none.redact).toBe(true);
    expect(decideRoute([], { ...policy, redaction: 'none' }).redact).toBe(false);
    expect(
      decideRoute([], { ...policy, rules: [{ when: { sensitivity: 'low' }, route: 'cloud', redact: false }] })
        .redact,
    ).toBe(true);
  });

  it('keeps a sticky conversation local, but never over a block', () => {
    const conversation = { id: 'c', localProvider: 'local' };
    const followUp = decideRoute([], policy, { conversation });
    expect(routeOf(followUp)).toBe('local');
    expect(followUp.reason.basis).toBe('sticky');
    expect(routeOf(decideRoute([finding('SECRET')], policy, { conversation }))).toBe('block');
  });

  it('does not let a sticky conversation reach the cloud unredacted when no local provider is left', () => {
    const conversation = { id: 'c', localProvider: 'local' };
    const cloudOnly: RouterInferencePolicy = {
      providers: { cloud: policy.providers.cloud ?? { kind: 'ollama', base_url: 'x' } },
      default_route: 'cloud',
    };
    const blocked = decideRoute([], cloudOnly, { conversation });
    expect(routeOf(blocked)).toBe('block');
    expect(blocked.reason.basis).toBe('local-unavailable');
    const redacted = decideRoute(
      [],
      { ...cloudOnly, on_local_unavailable: 'redact_and_cloud' },
      { conversation },
    );
    expect(routeOf(redacted)).toBe('cloud');
    expect(redacted.redact).toBe(true);
  });

  it('falls back per on_local_unavailable', () => {
    const local = decideRoute([finding('CREDIT_CARD')], policy);
    expect(routeOf(decideLocalUnavailable(local, policy))).toBe('block');
    const fallback = decideLocalUnavailable(local, { ...policy, on_local_unavailable: 'redact_and_cloud' });
    expect(routeOf(fallback)).toBe('cloud');
    expect(fallback.redact).toBe(true);
    expect(fallback.reason.basis).toBe('local-unavailable');
    const onlyLocal: RouterInferencePolicy = {
      providers: { local: { kind: 'ollama', base_url: 'http://localhost:11434/v1' } },
      default_route: 'local',
      on_local_unavailable: 'redact_and_cloud',
    };
    expect(routeOf(decideLocalUnavailable(decideRoute([], onlyLocal), onlyLocal))).toBe('block');
  });

  it('explains in one ASCII header line', () => {
    const decision = decideRoute(
      [finding('TERM', 'kunden-\u00fc'), finding('TERM', 'kunden-\u00fc')],
      policy,
    );
    expect(formatRouteReason(decision.reason)).toBe('rule=3; sensitivity=high; entities=TERM:kunden-?:2');
  });
});

describe('resolveProviders', () => {
  it('marks loopback providers local and others not, unless the policy says so', () => {
    const providers = resolveProviders({
      ...policy,
      providers: {
        ...policy.providers,
        lan: { kind: 'ollama', base_url: 'http://[::1]:11434/v1', local: false },
      },
    });
    expect(providers.get('local')?.local).toBe(true);
    expect(providers.get('cloud')?.local).toBe(false);
    expect(providers.get('lan')?.local).toBe(false);
  });

  it('refuses unknown routes, unknown term lists, bad URLs and a provider named block', () => {
    expect(() => resolveProviders({ ...policy, default_route: 'clod' })).toThrow(
      /default_route: unknown provider "clod"/,
    );
    expect(() =>
      resolveProviders({ ...policy, rules: [{ when: { terms: ['nope'] }, route: 'local' }] }),
    ).toThrow(/term list "nope"/);
    expect(() =>
      resolveProviders({
        ...policy,
        providers: { x: { kind: 'ollama', base_url: 'ftp://h/v1' } },
        default_route: 'x',
      }),
    ).toThrow(/http and https/);
    expect(() =>
      resolveProviders({
        ...policy,
        providers: { block: { kind: 'ollama', base_url: 'http://127.0.0.1/v1' } },
      }),
    ).toThrow(/reserved/);
  });
});
