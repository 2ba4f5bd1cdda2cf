import { NemotronError } from './errors.js';

/** Which kind of server an endpoint is. */
export type ServerFlavour = 'nvidia-api' | 'nim' | 'vllm' | 'ollama' | 'openai-compatible';

/**
 * Where and how to reach a model server.
 * - `protocol: 'openai'`: `baseUrl` is the OpenAI-compatible root (ends in `/v1`), e.g.
 *   `https://integrate.api.nvidia.com/v1`, `http://127.0.0.1:8000/v1`, `http://127.0.0.1:11434/v1`.
 * - `protocol: 'ollama'`: `baseUrl` is Ollama's root (`http://127.0.0.1:11434`); its native
 *   `/api/chat`, `/api/embed`, `/api/tags` are used.
 */
export interface EndpointProfile {
  /** Server kind (decides health and detection endpoints). */
  readonly flavour: ServerFlavour;
  /** Wire protocol. */
  readonly protocol: 'openai' | 'ollama';
  /** Root URL of the API (see above). */
  readonly baseUrl: string;
  /**
   * Name of the environment variable holding the API key. The key itself is never an option: it
   * is read from the environment at request time and never logged or put in an error.
   */
  readonly apiKeyEnv: string | undefined;
  /** Whether requests must carry a key (the request fails with `MISSING_API_KEY` before sending). */
  readonly apiKeyRequired: boolean;
}

/** NVIDIA's hosted API catalog: `https://integrate.api.nvidia.com/v1`, key in `NVIDIA_API_KEY`. */
export function nvidiaApiProfile(options: { baseUrl?: string; apiKeyEnv?: string } = {}): EndpointProfile {
  return {
    flavour: 'nvidia-api',
    protocol: 'openai',
    baseUrl: options.baseUrl ?? 'https://integrate.api.nvidia.com/v1',
    apiKeyEnv: options.apiKeyEnv ?? 'NVIDIA_API_KEY',
    apiKeyRequired: true,
  };
}

/** A local NIM container: `http://127.0.0.1:8000/v1`, no key by default. */
export function nimProfile(options: { baseUrl?: string; apiKeyEnv?: string } = {}): EndpointProfile {
  return {
    flavour: 'nim',
    protocol: 'openai',
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:8000/v1',
    apiKeyEnv: options.apiKeyEnv,
    apiKeyRequired: false,
  };
}

/** A vLLM server (`vllm serve`): `http://127.0.0.1:8000/v1`; a key only if started with `--api-key`. */
export function vllmProfile(options: { baseUrl?: string; apiKeyEnv?: string } = {}): EndpointProfile {
  return {
    flavour: 'vllm',
    protocol: 'openai',
    baseUrl: options.baseUrl ?? 'http://127.0.0.1:8000/v1',
    apiKeyEnv: options.apiKeyEnv,
    apiKeyRequired: false,
  };
}

/**
 * Ollama: native API at `http://127.0.0.1:11434` by default, or its OpenAI-compatible API with
 * `protocol: 'openai'` (then `/v1` is appended to the root).
 */
export function ollamaProfile(
  options: { baseUrl?: string; protocol?: 'ollama' | 'openai' } = {},
): EndpointProfile {
  const root = (options.baseUrl ?? 'http://127.0.0.1:11434').replace(/\/+$/, '');
  const protocol = options.protocol ?? 'ollama';
  return {
    flavour: 'ollama',
    protocol,
    baseUrl: protocol === 'openai' ? `${root}/v1` : root,
    apiKeyEnv: undefined,
    apiKeyRequired: false,
  };
}

/** Any other OpenAI-compatible server. */
export function openAiCompatibleProfile(options: {
  baseUrl: string;
  apiKeyEnv?: string;
  apiKeyRequired?: boolean;
}): EndpointProfile {
  return {
    flavour: 'openai-compatible',
    protocol: 'openai',
    baseUrl: options.baseUrl,
    apiKeyEnv: options.apiKeyEnv,
    apiKeyRequired: options.apiKeyRequired ?? false,
  };
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Parses and checks a profile's base URL (http or https, no credentials, no query). */
export function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new NemotronError('INVALID_OPTION', `baseUrl is not a valid URL: "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new NemotronError('INVALID_OPTION', `baseUrl must use http or https, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new NemotronError(
      'INVALID_OPTION',
      'baseUrl must not contain credentials; put the key in an environment variable',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new NemotronError('INVALID_OPTION', 'baseUrl must not contain a query or fragment');
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

/**
 * Reads the API key for `profile` from `environment` (normally `process.env`). Fails closed:
 * `MISSING_API_KEY` when a required key is absent, `INSECURE_TRANSPORT` when a key would travel
 * over plain HTTP to a host that is not loopback (unless explicitly allowed).
 */
export function resolveApiKey(
  profile: EndpointProfile,
  url: URL,
  environment: Readonly<Record<string, string | undefined>>,
  allowInsecureKeyTransport: boolean,
): string | undefined {
  const name = profile.apiKeyEnv;
  const value = name === undefined ? undefined : environment[name]?.trim();
  const key = value === undefined || value.length === 0 ? undefined : value;
  if (key === undefined) {
    if (profile.apiKeyRequired) {
      throw new NemotronError(
        'MISSING_API_KEY',
        `${profile.flavour} needs an API key: set the environment variable ${name ?? '(apiKeyEnv not configured)'}`,
      );
    }
    return undefined;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureKeyTransport) {
    throw new NemotronError(
      'INSECURE_TRANSPORT',
      `refusing to send the ${name} key over plain HTTP to ${url.host}; use https, or set allowInsecureKeyTransport for a trusted network`,
    );
  }
  return key;
}
