import type { z } from 'zod';

interface LooseDefinition {
  readonly type?: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

function definitionOf(schema: z.ZodType): LooseDefinition {
  return schema._zod.def as unknown as LooseDefinition;
}

/** Strips optional/default/prefault/nullable/pipe wrappers and returns the schemas a value can take. */
function concreteSchemas(schema: z.ZodType, depth = 0): z.ZodType[] {
  if (depth > 16) return [];
  const definition = definitionOf(schema);
  switch (definition.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return definition.innerType ? concreteSchemas(definition.innerType, depth + 1) : [];
    case 'pipe':
      return definition.in ? concreteSchemas(definition.in, depth + 1) : [];
    case 'union':
      return (definition.options ?? []).flatMap((option) => concreteSchemas(option, depth + 1));
    default:
      return [schema];
  }
}

/** The schemas that describe the value at `path` below `root` (several when unions are involved). */
export function schemasAt(root: z.ZodType, path: readonly (string | number)[]): z.ZodType[] {
  let current = concreteSchemas(root);
  for (const segment of path) {
    const next: z.ZodType[] = [];
    for (const schema of current) {
      const definition = definitionOf(schema);
      if (definition.type === 'object' && typeof segment === 'string' && definition.shape) {
        const child = definition.shape[segment];
        if (child) next.push(...concreteSchemas(child));
      } else if (definition.type === 'record' && definition.valueType) {
        next.push(...concreteSchemas(definition.valueType));
      } else if (definition.type === 'array' && definition.element) {
        next.push(...concreteSchemas(definition.element));
      }
    }
    current = next;
  }
  return current;
}

/** The keys an object at `path` may have (the union of every object schema found there). */
export function knownKeysAt(root: z.ZodType, path: readonly (string | number)[]): string[] {
  const keys = new Set<string>();
  for (const schema of schemasAt(root, path)) {
    const definition = definitionOf(schema);
    if (definition.type === 'object' && definition.shape)
      for (const key of Object.keys(definition.shape)) keys.add(key);
  }
  return [...keys];
}
