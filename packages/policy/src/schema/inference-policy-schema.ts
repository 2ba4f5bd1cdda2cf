import { z } from 'zod';
import { closestMatch } from '../did-you-mean.js';
import { entityTypes } from '../entity-types.js';
import { isLoopbackHost } from '../host-pattern.js';
import { envName } from './field-schemas.js';
import { alwaysCheck, isPlainObject, objectEntries, stringEntries } from './refinement-helpers.js';

const providerIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Schema of one `inference.providers.<id>` entry. */
export const inferenceProviderSchema = z
  .strictObject({
    kind: z
      .enum(['nemotron', 'openai-compatible', 'anthropic', 'ollama'])
      .describe('API dialect of the provider.'),
    base_url: z
      .string()
      .superRefine((value, context) => {
        if (!URL.canParse(value)) context.addIssue({ code: 'custom', message: `"${value}" is not a URL` });
        else if (!/^https?:$/.test(new URL(value).protocol))
          context.addIssue({ code: 'custom', message: 'base_url must be http:// or https://' });
      })
      .describe('Base URL of the API, e.g. http://127.0.0.1:8000/v1.'),
    model: z.string().min(1).optional().describe('Model to request. Absent = the caller chooses.'),
    api_key_env: envName
      .optional()
      .describe(
        'Name of the environment variable holding the API key (the key itself never goes in a policy).',
      ),
    local: z
      .boolean()
      .optional()
      .describe('Whether data sent here stays on this machine. Default: true when base_url is loopback.'),
    apis: z
      .array(z.enum(['openai-chat', 'openai-responses', 'openai-embeddings', 'anthropic-messages']))
      .min(1)
      .optional()
      .describe(
        'APIs the provider serves natively; the router translates requests for the others. Default by kind: nemotron and ollama openai-chat + openai-embeddings; openai-compatible also openai-responses; anthropic anthropic-messages.',
      ),
  })
  .transform((value) => ({
    ...value,
    local:
      value.local ??
      (URL.canParse(value.base_url) ? isLoopbackHost(new URL(value.base_url).hostname) : false),
  }))
  .describe('A model endpoint the privacy router can route to.');

const routeTarget = z.string().min(1).describe('A provider id from inference.providers, or "block".');

/** Schema of one `inference.rules[]` entry. */
export const inferenceRuleSchema = z
  .strictObject({
    when: z
      .strictObject({
        entities: z
          .array(z.enum(entityTypes))
          .min(1)
          .optional()
          .describe(`Matches when ANY of these entity types is detected: ${entityTypes.join(', ')}.`),
        terms: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('Matches when ANY of these term lists hits.'),
        sensitivity: z
          .enum(['low', 'medium', 'high'])
          .optional()
          .describe('Matches when the detected sensitivity is at least this level.'),
      })
      .refine((value) => Object.keys(value).length > 0, {
        message: 'when needs at least one of entities, terms, sensitivity',
      })
      .describe('Conditions: ANY within a list, ALL across the keys given.'),
    route: routeTarget,
    redact: z
      .boolean()
      .optional()
      .describe('Redact detected entities before sending (reversibly, per inference.redaction).'),
  })
  .describe('A routing rule; the first rule that matches wins.');

const termListSchema = z
  .union([
    z.strictObject({
      file: z.string().min(1).describe('File of terms, one per line, relative to the policy file.'),
    }),
    z.strictObject({ values: z.array(z.string().min(1)).describe('The terms, inline.') }),
  ])
  .describe('A term list: {file: path} or {values: [..]}.');

/** Schema of `inference` (HOT-RELOADABLE). */
export const inferencePolicySchema = z
  .strictObject({
    providers: z
      .record(
        z
          .string()
          .regex(providerIdPattern, { message: 'provider id must be letters, digits, ".", "_" or "-"' }),
        inferenceProviderSchema,
      )
      .default({})
      .describe('Model endpoints, by id.'),
    default_route: routeTarget
      .default('block')
      .describe('Route when no rule matches: a provider id or "block".'),
    rules: z.array(inferenceRuleSchema).default([]).describe('Routing rules; the first match wins.'),
    terms: z
      .record(z.string().min(1), termListSchema)
      .default({})
      .describe('Named term lists for rules (customer names, project code names, ...).'),
    redaction: z
      .enum(['reversible', 'none'])
      .default('reversible')
      .describe('For routes to non-local providers: reversible (default) placeholders, or none.'),
    on_local_unavailable: z
      .enum(['block', 'redact_and_cloud'])
      .default('block')
      .describe(
        'When a local route is down: block (default, fail closed) or redact and use the default route.',
      ),
  })
  .superRefine((value, context) => {
    if (!isPlainObject(value)) return;
    const providerMap = objectEntries(value.providers);
    const providers = providerMap.map(([id]) => id);
    const providersValid = value.providers !== null && typeof value.providers === 'object';
    const checkRoute = (route: unknown, path: (string | number)[]) => {
      if (typeof route !== 'string' || !providersValid) return;
      if (route === 'block' || providers.includes(route)) return;
      const suggestion = closestMatch(route, [...providers, 'block']);
      context.addIssue({
        code: 'custom',
        path,
        message: `route "${route}" is not a provider in inference.providers (defined: ${
          providers.length === 0 ? 'none' : providers.join(', ')
        }) or "block"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
      });
    };
    if (providers.includes('block'))
      context.addIssue({ code: 'custom', path: ['providers', 'block'], message: '"block" is reserved' });
    checkRoute(value.default_route, ['default_route']);
    const termsValid = value.terms !== null && typeof value.terms === 'object' && !Array.isArray(value.terms);
    const termNames = new Set(objectEntries(value.terms).map(([name]) => name));
    const rules: unknown[] = Array.isArray(value.rules) ? value.rules : [];
    rules.forEach((rule, index) => {
      if (rule === null || typeof rule !== 'object') return;
      const { route, when } = rule as { route?: unknown; when?: { terms?: unknown } };
      checkRoute(route, ['rules', index, 'route']);
      if (!termsValid || when === null || typeof when !== 'object') return;
      for (const [name, termIndex] of stringEntries(when.terms)) {
        if (!termNames.has(name))
          context.addIssue({
            code: 'custom',
            path: ['rules', index, 'when', 'terms', termIndex],
            message: `term list "${name}" is not defined in inference.terms`,
          });
      }
    });
  }, alwaysCheck)
  .describe('Privacy routing of model calls. HOT-RELOADABLE.');
