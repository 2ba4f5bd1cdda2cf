import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createDetector, type Detector } from '../detect/create-detector.js';
import { PrivacyRouterError } from '../privacy-router-error.js';
import { providersOf } from '../route/decide-route.js';
import type { RouterInferencePolicy } from '../route/policy-types.js';
import { createCachingDetector } from './caching-detector.js';

/** One loaded generation of the inference policy: immutable, shared by the requests it decides. */
export interface RouterState {
  /** Increases by one with every successful load. */
  generation: number;
  /** The policy's `inference` domain. */
  policy: RouterInferencePolicy;
  /** The detector configured with the policy's term lists (with a per-generation findings cache). */
  detector: Detector;
  /** ISO time of the load. */
  loadedAt: string;
}

/** Options of {@link loadRouterState}. */
export interface LoadRouterStateOptions {
  /** Directory relative term files are resolved against (default: the working directory). */
  policyDir?: string | undefined;
  /** Minimum finding score passed to the detector. */
  minScore?: number | undefined;
}

/** Parses a term file: one term per line; blank lines and lines starting with `#` are skipped. */
export function parseTermFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Validates the policy's references, reads its term files and builds the detector. Throws
 * {@link PrivacyRouterError} (`INVALID_POLICY`, `TERMS_FILE_UNREADABLE`) on any problem, so a
 * caller can keep the previous generation.
 */
export async function loadRouterState(
  policy: RouterInferencePolicy,
  generation: number,
  options: LoadRouterStateOptions = {},
): Promise<RouterState> {
  providersOf(policy);
  const terms: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(policy.terms ?? {})) {
    if (list.values !== undefined) {
      terms[name] = [...list.values];
      continue;
    }
    const path = resolve(options.policyDir ?? process.cwd(), list.file);
    try {
      terms[name] = parseTermFile(await readFile(path, 'utf8'));
    } catch (error) {
      throw new PrivacyRouterError(
        'TERMS_FILE_UNREADABLE',
        `inference.terms.${name}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  const detector = createCachingDetector(
    createDetector({
      terms,
      ...(options.minScore === undefined ? {} : { minScore: options.minScore }),
    }),
  );
  return { generation, policy, detector, loadedAt: new Date().toISOString() };
}
