import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small resolver and validator for the OCSF schema *source* (the ocsf-schema repository layout:
 * dictionary.json, categories.json, events/**, objects/*.json, profiles/*.json), which is a set of
 * definitions with inheritance (`extends`), includes (`$include`) and profiles, not JSON Schema.
 * Test-only: it exists so every event builder's output is checked against the real schema.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One attribute of a class or object after inheritance, includes and the dictionary are merged. */
export interface ResolvedAttribute {
  name: string;
  type: string;
  isArray: boolean;
  requirement: string;
  enumValues: Map<string, string> | undefined;
  /** The profile the attribute comes from; undefined for core attributes. */
  profile: string | undefined;
  deprecated: boolean;
  sibling: string | undefined;
}

/** A class or object with its attributes resolved. */
export interface ResolvedDefinition {
  name: string;
  caption: string;
  attributes: Map<string, ResolvedAttribute>;
  constraints: { atLeastOne: string[][]; justOne: string[][] };
  deprecated: boolean;
  /** Classes only: class_uid and category. */
  classUid?: number;
  categoryUid?: number;
  categoryCaption?: string;
}

interface RawDefinition {
  file: string;
  json: JsonObject;
}

/** A loaded schema source tree. */
export class OcsfSchema {
  readonly root: string;
  readonly #dictionary: JsonObject;
  readonly #types: JsonObject;
  readonly #categories: JsonObject;
  readonly #events = new Map<string, RawDefinition>();
  readonly #objects = new Map<string, RawDefinition>();
  readonly #resolvedClasses = new Map<string, ResolvedDefinition>();
  readonly #resolvedObjects = new Map<string, ResolvedDefinition>();
  readonly #classesByUid = new Map<number, string>();
  readonly profiles: Set<string>;

  constructor(root: string) {
    this.root = root;
    const dictionary = readJson(join(root, 'dictionary.json'));
    this.#dictionary = asObject(dictionary.attributes);
    this.#types = asObject(asObject(dictionary.types).attributes);
    this.#categories = asObject(readJson(join(root, 'categories.json')).attributes);
    for (const file of walk(join(root, 'events'))) {
      const json = readJson(file);
      this.#events.set(String(json.name), { file, json });
    }
    for (const file of walk(join(root, 'objects'))) {
      const json = readJson(file);
      this.#objects.set(String(json.name), { file, json });
    }
    this.profiles = new Set(
      readdirSync(join(root, 'profiles'))
        .filter((name) => name.endsWith('.json'))
        .map((name) => name.slice(0, -'.json'.length)),
    );
    for (const name of this.#events.keys()) {
      const resolved = this.resolveClass(name);
      if (resolved.classUid !== undefined) this.#classesByUid.set(resolved.classUid, name);
    }
  }

  /** The class name for a `class_uid`, e.g. 4001 -> `network_activity`. */
  classNameOf(classUid: number): string | undefined {
    return this.#classesByUid.get(classUid);
  }

  /** Resolves an event class (with its `extends` chain, includes and profiles). */
  resolveClass(name: string): ResolvedDefinition {
    const cached = this.#resolvedClasses.get(name);
    if (cached !== undefined) return cached;
    const resolved = this.#resolve(name, this.#events, 'class');
    this.#resolvedClasses.set(name, resolved);
    return resolved;
  }

  /** Resolves an object (with its `extends` chain and includes). */
  resolveObject(name: string): ResolvedDefinition {
    const cached = this.#resolvedObjects.get(name);
    if (cached !== undefined) return cached;
    const resolved = this.#resolve(name, this.#objects, 'object');
    this.#resolvedObjects.set(name, resolved);
    return resolved;
  }

  /** The scalar type constraints of a dictionary type such as `port_t`. */
  scalarType(type: string): { base: string; regex?: RegExp; range?: [number, number]; maxLength?: number } {
    const definition = this.#types[type];
    if (
      definition === undefined ||
      definition === null ||
      typeof definition !== 'object' ||
      Array.isArray(definition)
    ) {
      return { base: type };
    }
    const parent = typeof definition.type === 'string' ? this.scalarType(definition.type) : { base: type };
    const range = Array.isArray(definition.range) ? (definition.range as [number, number]) : parent.range;
    const regex = typeof definition.regex === 'string' ? new RegExp(definition.regex) : parent.regex;
    const maxLength = typeof definition.max_len === 'number' ? definition.max_len : parent.maxLength;
    return { base: parent.base, regex, range, maxLength };
  }

  /** True when `type` names a scalar type (`*_t`) rather than an object. */
  isScalar(type: string): boolean {
    return type in this.#types;
  }

  #resolve(name: string, table: Map<string, RawDefinition>, kind: 'class' | 'object'): ResolvedDefinition {
    const raw = table.get(name);
    if (raw === undefined) throw new Error(`OCSF ${kind} "${name}" is not in the schema`);
    const chain: JsonObject[] = [];
    let current: JsonObject | undefined = raw.json;
    while (current !== undefined) {
      chain.unshift(current);
      const parentName: Json | undefined = current.extends;
      if (typeof parentName !== 'string') break;
      const parent = table.get(parentName);
      if (parent === undefined)
        throw new Error(`OCSF ${kind} "${String(current.name)}" extends unknown "${parentName}"`);
      current = parent.json;
    }
    const merged = new Map<string, JsonObject>();
    const atLeastOne: string[][] = [];
    const justOne: string[][] = [];
    let category: string | undefined;
    for (const definition of chain) {
      const attributes = asObject(definition.attributes ?? {});
      const includes = attributes.$include;
      if (Array.isArray(includes)) {
        for (const include of includes) {
          const included = readJson(join(this.root, String(include)));
          const profileName = included.meta === 'profile' ? String(included.name) : undefined;
          for (const [key, value] of Object.entries(asObject(included.attributes ?? {}))) {
            const withProfile = { ...asObject(value) };
            if (profileName !== undefined && !('profile' in withProfile)) withProfile.profile = profileName;
            merged.set(key, deepMerge(merged.get(key) ?? {}, withProfile));
          }
        }
      }
      for (const [key, value] of Object.entries(attributes)) {
        if (key === '$include') continue;
        merged.set(key, deepMerge(merged.get(key) ?? {}, asObject(value)));
      }
      if (typeof definition.category === 'string') category = definition.category;
      const constraints = definition.constraints;
      if (
        constraints !== undefined &&
        constraints !== null &&
        typeof constraints === 'object' &&
        !Array.isArray(constraints)
      ) {
        // A definition's constraints replace its parent's.
        atLeastOne.length = 0;
        justOne.length = 0;
        if (Array.isArray(constraints.at_least_one)) atLeastOne.push(constraints.at_least_one.map(String));
        if (Array.isArray(constraints.just_one)) justOne.push(constraints.just_one.map(String));
      }
    }
    const attributes = new Map<string, ResolvedAttribute>();
    for (const [key, local] of merged) {
      const dictionaryEntry = this.#dictionary[key];
      const full = deepMerge(
        dictionaryEntry !== undefined &&
          dictionaryEntry !== null &&
          typeof dictionaryEntry === 'object' &&
          !Array.isArray(dictionaryEntry)
          ? dictionaryEntry
          : {},
        local,
      );
      const enumeration = full.enum;
      attributes.set(key, {
        name: key,
        type: typeof full.type === 'string' ? full.type : `UNDEFINED(${key})`,
        isArray: full.is_array === true,
        requirement: typeof full.requirement === 'string' ? full.requirement : 'optional',
        enumValues:
          enumeration !== undefined &&
          enumeration !== null &&
          typeof enumeration === 'object' &&
          !Array.isArray(enumeration)
            ? new Map(Object.entries(enumeration).map(([id, value]) => [id, String(asObject(value).caption)]))
            : undefined,
        profile: typeof full.profile === 'string' ? full.profile : undefined,
        deprecated: '@deprecated' in local,
        sibling: typeof full.sibling === 'string' ? full.sibling : undefined,
      });
    }
    const result: ResolvedDefinition = {
      name,
      caption: String(raw.json.caption),
      attributes,
      constraints: { atLeastOne, justOne },
      deprecated: '@deprecated' in raw.json,
    };
    if (kind === 'class' && category !== undefined && typeof raw.json.uid === 'number') {
      const categoryEntry = asObject(this.#categories[category] ?? {});
      const categoryUid = Number(categoryEntry.uid);
      result.categoryUid = categoryUid;
      result.categoryCaption = String(categoryEntry.caption);
      result.classUid = categoryUid * 1000 + raw.json.uid;
    }
    return result;
  }
}

/**
 * Validates `event` against the schema: the class exists, classification fields agree
 * (category_uid, class_uid, type_uid = class_uid * 100 + activity_id, names = captions), every
 * attribute is defined for the class (or the object it is nested in), required attributes are
 * present, enum values are defined, scalar types and ranges hold, object constraints hold,
 * profile attributes are only used when the profile is declared in `metadata.profiles`, and no
 * deprecated attribute is used. Returns the list of problems (empty when valid).
 */
export function validateOcsfEvent(schema: OcsfSchema, event: unknown): string[] {
  const errors: string[] = [];
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return ['event is not an object'];
  const record = event as Record<string, unknown>;
  const classUid = record.class_uid;
  if (typeof classUid !== 'number') return ['class_uid is missing'];
  const className = schema.classNameOf(classUid);
  if (className === undefined) return [`class_uid ${classUid} is not an OCSF class`];
  const definition = schema.resolveClass(className);
  if (definition.deprecated) errors.push(`class ${className} is deprecated`);
  const metadata = record.metadata as Record<string, unknown> | undefined;
  const declaredProfiles = new Set(Array.isArray(metadata?.profiles) ? metadata.profiles.map(String) : []);
  for (const profile of declaredProfiles) {
    if (!schema.profiles.has(profile)) errors.push(`metadata.profiles names unknown profile "${profile}"`);
  }
  if (record.category_uid !== definition.categoryUid) {
    errors.push(`category_uid ${String(record.category_uid)} should be ${definition.categoryUid}`);
  }
  const activityId = record.activity_id;
  if (typeof activityId === 'number' && record.type_uid !== classUid * 100 + activityId) {
    errors.push(`type_uid ${String(record.type_uid)} should be ${classUid * 100 + activityId}`);
  }
  if (record.class_name !== undefined && record.class_name !== definition.caption) {
    errors.push(`class_name "${String(record.class_name)}" should be "${definition.caption}"`);
  }
  if (record.category_name !== undefined && record.category_name !== definition.categoryCaption) {
    errors.push(`category_name "${String(record.category_name)}" should be "${definition.categoryCaption}"`);
  }
  const activityCaption = definition.attributes.get('activity_id')?.enumValues?.get(String(activityId));
  if (record.type_name !== undefined && activityCaption !== undefined && activityId !== 99) {
    const expected = `${definition.caption}: ${activityCaption}`;
    if (record.type_name !== expected)
      errors.push(`type_name "${String(record.type_name)}" should be "${expected}"`);
  }
  validateAgainst(
    schema,
    definition,
    record,
    '',
    declaredProfiles,
    errors,
    new Set(['class_uid', 'category_uid', 'type_uid']),
  );
  return errors;
}

function validateAgainst(
  schema: OcsfSchema,
  definition: ResolvedDefinition,
  value: Record<string, unknown>,
  path: string,
  profiles: Set<string>,
  errors: string[],
  skipEnums: Set<string> = new Set(),
): void {
  for (const [key, member] of Object.entries(value)) {
    const where = path === '' ? key : `${path}.${key}`;
    const attribute = definition.attributes.get(key);
    if (attribute === undefined) {
      errors.push(`${where} is not an attribute of ${definition.name}`);
      continue;
    }
    if (attribute.profile !== undefined && !profiles.has(attribute.profile)) {
      errors.push(
        `${where} belongs to profile "${attribute.profile}", which metadata.profiles does not declare`,
      );
    }
    if (attribute.deprecated) errors.push(`${where} is deprecated`);
    if (attribute.type.startsWith('UNDEFINED')) {
      errors.push(`${where} has no dictionary type`);
      continue;
    }
    if (attribute.isArray) {
      if (!Array.isArray(member)) {
        errors.push(`${where} must be an array`);
        continue;
      }
      for (const [index, item] of member.entries()) {
        validateValue(schema, attribute, item, `${where}[${index}]`, profiles, errors, skipEnums.has(key));
      }
    } else {
      validateValue(schema, attribute, member, where, profiles, errors, skipEnums.has(key));
    }
    if (attribute.sibling !== undefined && attribute.enumValues !== undefined && !skipEnums.has(key)) {
      const sibling = value[attribute.sibling];
      const caption = attribute.enumValues.get(String(member));
      if (sibling !== undefined && member !== 99 && caption !== undefined && sibling !== caption) {
        errors.push(
          `${path === '' ? '' : `${path}.`}${attribute.sibling} "${String(sibling)}" should be "${caption}"`,
        );
      }
    }
  }
  for (const attribute of definition.attributes.values()) {
    if (attribute.requirement !== 'required') continue;
    if (attribute.profile !== undefined && !profiles.has(attribute.profile)) continue;
    if (value[attribute.name] === undefined) {
      errors.push(`${path === '' ? '' : `${path}.`}${attribute.name} is required by ${definition.name}`);
    }
  }
  for (const group of definition.constraints.atLeastOne) {
    if (!group.some((name) => value[name] !== undefined)) {
      errors.push(`${path === '' ? definition.name : path} needs at least one of ${group.join(', ')}`);
    }
  }
  for (const group of definition.constraints.justOne) {
    if (group.filter((name) => value[name] !== undefined).length !== 1) {
      errors.push(`${path === '' ? definition.name : path} needs exactly one of ${group.join(', ')}`);
    }
  }
}

function validateValue(
  schema: OcsfSchema,
  attribute: ResolvedAttribute,
  value: unknown,
  where: string,
  profiles: Set<string>,
  errors: string[],
  skipEnum: boolean,
): void {
  if (!schema.isScalar(attribute.type)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push(`${where} must be a ${attribute.type} object`);
      return;
    }
    // `object` is OCSF's free-form object (e.g. `unmapped`): any keys.
    if (attribute.type !== 'object') {
      validateAgainst(
        schema,
        schema.resolveObject(attribute.type),
        value as Record<string, unknown>,
        where,
        profiles,
        errors,
      );
    }
    return;
  }
  const scalar = schema.scalarType(attribute.type);
  switch (scalar.base) {
    case 'string_t':
      if (typeof value !== 'string') errors.push(`${where} must be a string (${attribute.type})`);
      else {
        if (scalar.regex !== undefined && !scalar.regex.test(value))
          errors.push(`${where} "${value}" is not a valid ${attribute.type}`);
        if (scalar.maxLength !== undefined && value.length > scalar.maxLength)
          errors.push(`${where} is longer than ${scalar.maxLength}`);
      }
      break;
    case 'integer_t':
    case 'long_t':
      if (typeof value !== 'number' || !Number.isInteger(value))
        errors.push(`${where} must be an integer (${attribute.type})`);
      else if (scalar.range !== undefined && (value < scalar.range[0] || value > scalar.range[1])) {
        errors.push(`${where} ${value} is outside ${scalar.range[0]}-${scalar.range[1]}`);
      }
      break;
    case 'float_t':
      if (typeof value !== 'number') errors.push(`${where} must be a number`);
      break;
    case 'boolean_t':
      if (typeof value !== 'boolean') errors.push(`${where} must be a boolean`);
      break;
    case 'json_t':
      break;
    default:
      errors.push(`${where} has unknown scalar type ${attribute.type}`);
  }
  if (!skipEnum && attribute.enumValues !== undefined && !attribute.enumValues.has(String(value))) {
    errors.push(
      `${where} ${String(value)} is not a defined value (${[...attribute.enumValues.keys()].join(', ')})`,
    );
  }
}

function deepMerge(base: JsonObject, override: JsonObject): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = result[key];
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      existing !== null &&
      existing !== undefined &&
      typeof existing === 'object' &&
      !Array.isArray(existing)
    ) {
      result[key] = deepMerge(existing, value);
    } else {
      result[key] = value;
    }
  }
  return result;
}

function readJson(file: string): JsonObject {
  return asObject(JSON.parse(readFileSync(file, 'utf8')) as Json);
}

function asObject(value: Json | undefined): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  }
  return value;
}

function walk(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...walk(full));
    else if (entry.name.endsWith('.json')) files.push(full);
  }
  return files;
}
