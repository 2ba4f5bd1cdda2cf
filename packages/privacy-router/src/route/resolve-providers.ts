import { isLoopbackHost } from '@nemoclaw/policy';
import { PrivacyRouterError } from '../privacy-router-error.js';
import {
  defaultProviderApis,
  type ProviderApi,
  type ProviderKind,
  providerApis,
  type RouterInferencePolicy,
} from './policy-types.js';

/** A provider of the policy with its defaults applied. */
export interface ResolvedProvider {
  /** The provider's id in the policy. */
  id: string;
  /** The API flavour. */
  kind: ProviderKind;
  /** The API root, e.g. `http://127.0.0.1:8000/v1`, without a trailing slash. */
  baseUrl: URL;
  /** Model that replaces the request's `model`, if set. */
  model: string | undefined;
  /** Environment variable holding the API key, if any. */
  apiKeyEnv: string | undefined;
  /** Whether data sent to this provider stays on this machine. */
  local: boolean;
  /** The APIs the provider serves (the policy's `apis`, else the default of its kind). */
  apis: ReadonlySet<ProviderApi>;
}

/**
 * Applies the defaults of every provider (`local` from the host when absent) and checks that every
 * route names a provider or `block`. Throws {@link PrivacyRouterError} `INVALID_POLICY` otherwise.
 */
export function resolveProviders(policy: RouterInferencePolicy): Map<string, ResolvedProvider> {
  const providers = new Map<string, ResolvedProvider>();
  for (const [id, provider] of Object.entries(policy.providers)) {
    if (id === 'block') {
      throw new PrivacyRouterError(
        'INVALID_POLICY',
        'inference.providers: "block" is reserved and cannot name a provider',
      );
    }
    let baseUrl: URL;
    try {
      baseUrl = new URL(provider.base_url.replace(/\/+$/, ''));
    } catch (error) {
      throw new PrivacyRouterError(
        'INVALID_POLICY',
        `inference.providers.${id}.base_url: not a URL: ${JSON.stringify(provider.base_url)}`,
        { cause: error },
      );
    }
    if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') {
      throw new PrivacyRouterError(
        'INVALID_POLICY',
        `inference.providers.${id}.base_url: only http and https are supported, got ${baseUrl.protocol}`,
      );
    }
    const apis = provider.apis ?? defaultProviderApis[provider.kind] ?? [];
    const unknownApi = apis.find((api) => !providerApis.includes(api));
    if (unknownApi !== undefined || apis.length === 0) {
      throw new PrivacyRouterError(
        'INVALID_POLICY',
        `inference.providers.${id}.apis: ${unknownApi === undefined ? 'must name at least one API' : `unknown API ${JSON.stringify(unknownApi)}`} (one of ${providerApis.join(', ')})`,
      );
    }
    providers.set(id, {
      id,
      kind: provider.kind,
      baseUrl,
      model: provider.model,
      apiKeyEnv: provider.api_key_env,
      local: provider.local ?? isLoopbackHost(baseUrl.hostname),
      apis: new Set(apis),
    });
  }
  const checkRoute = (route: string, where: string): void => {
    if (route !== 'block' && !providers.has(route)) {
      const known = [...providers.keys(), 'block'].join(', ');
      throw new PrivacyRouterError(
        'INVALID_POLICY',
        `${where}: unknown provider ${JSON.stringify(route)} (known: ${known})`,
      );
    }
  };
  checkRoute(policy.default_route, 'inference.default_route');
  (policy.rules ?? []).forEach((rule, index) => {
    checkRoute(rule.route, `inference.rules[${index}].route`);
    for (const name of rule.when.terms ?? []) {
      if (policy.terms?.[name] === undefined) {
        throw new PrivacyRouterError(
          'INVALID_POLICY',
          `inference.rules[${index}].when.terms: unknown term list ${JSON.stringify(name)}`,
        );
      }
    }
  });
  return providers;
}
