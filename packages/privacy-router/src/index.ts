/**
 * Sensitive-data detection, routing of model calls by sensitivity, reversible redaction, OpenAI/Anthropic-compatible proxy.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/privacy-router';
