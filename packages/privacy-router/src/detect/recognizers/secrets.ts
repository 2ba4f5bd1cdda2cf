import { shannonEntropy } from '../entropy.js';
import type { Finding } from '../finding.js';
import { KeywordIndex } from '../keyword-index.js';
import { compileLinear, forEachMatch, type LinearRegex } from '../linear-regex.js';
import type { Recognizer, ScanInput } from '../recognizer.js';
import { extraSecretRules, tokenEnd } from '../secrets/extra-rules.js';
import type { GitleaksAllowlist, GitleaksRule } from '../secrets/gitleaks-rule.js';
import { gitleaksGlobalAllowlist, gitleaksRules } from '../secrets/gitleaks-rules.generated.js';

interface CompiledAllowlist {
  target: GitleaksAllowlist['regexTarget'];
  /** The allowlist's regexes as one RE2 alternation (one native call per candidate). */
  regex: LinearRegex | undefined;
  stopwords: KeywordIndex | undefined;
  /** Stopwords of one character (never seen in gitleaks, kept for completeness). */
  shortStopwords: readonly string[];
  /**
   * A cheap necessary condition for `regex` to match the secret (target `secret` only), so that
   * most candidates skip the native call; undefined: always run `regex`.
   */
  mayMatch: ((secret: string, lowerSecret: string) => boolean) | undefined;
}

const leftPrefix = String.raw`[\w.-]{0,50}?`;

/**
 * Constructs that let a match run over whitespace without bound (`(?s:.)`, `[\s\S]`, `.*`,
 * `\s+` ...): rules using them scan the whole text. Other rules match within a token or a line,
 * so a window around each keyword occurrence, widened to whitespace, holds every match.
 */
const spansLines = /\(\?s[:)]|\[\\s\\S|\.\*|\.\+|\\s\*|\\s\+|\\s\{\d+,\}/;

/** Start of the `[\w.-]{0,50}` run that ends at `start` (what gitleaks' dropped prefix would have matched). */
function leftExtension(text: string, start: number): number {
  let index = start;
  while (index > 0 && start - index < 50) {
    const code = text.charCodeAt(index - 1);
    const word =
      (code >= 48 && code <= 57) ||
      (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) ||
      code === 95 ||
      code === 46 ||
      code === 45;
    if (!word) break;
    index -= 1;
  }
  return index;
}

/**
 * Rules every match of which starts with one of the rule's keywords right after an (ASCII, as in
 * RE2) word boundary, e.g. `\b(ey[a-zA-Z0-9]{17,}\.ey...` for JWTs: a keyword occurrence glued
 * to a word character on its left (`key`, `they` for `ey`; `plans.` for `s.`) cannot start a
 * match, so it opens no window. Checked by reading each rule's pattern.
 */
const keywordAtWordStart: ReadonlySet<string> = new Set([
  'jwt',
  'jwt-loose',
  'vault-service-token',
  'gcp-api-key',
  'gcp-api-key-loose',
]);

/**
 * Literals (lower case) that every match of a rule contains, beyond its keywords: a rule runs only
 * when all of them occur in the text. Checked by reading each rule's pattern; for rules that scan
 * the whole text (unbounded patterns), this saves a full pass on most texts that mention `secret`.
 */
const requiredLiterals: Readonly<Record<string, readonly string[]>> = {
  'kubernetes-secret-yaml': ['kind:', 'data:'],
};

/**
 * Tighter windows `[before, after]` (characters before the keyword's start and after its end) for
 * the rules whose keywords occur everywhere (`key`, `token`, `pass` ...), from reading their
 * patterns: a `generic-api-key` match (its `[\w.-]{0,50}?` prefix dropped) starts with the keyword
 * and its bounded form ends within 182 characters after it (the unbounded form reaches the
 * window's end and is rescanned); a `password-assignment` match starts at most 31 characters
 * before the keyword and ends within 150 after it.
 */
const windowOverrides: Readonly<Record<string, readonly [number, number]>> = {
  'generic-api-key': [0, 200],
  'password-assignment': [40, 200],
};

/**
 * True if an assignment operator can follow the keyword ending at `end`, as `generic-api-key`
 * requires: `(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)` right after its
 * keyword. A necessary condition checked by hand: within 23 characters, only characters those
 * classes allow (any non-ASCII character too, for RE2's case folding) before one of `= > : | ? ,`.
 * Most `key`, `token` and `access` occurrences in prose fail it and open no window.
 */
function assignmentFollows(text: string, end: number): boolean {
  const limit = Math.min(text.length, end + 24);
  for (let index = end; index < limit; index += 1) {
    const code = text.charCodeAt(index);
    // = > : | ? ,
    if (code === 61 || code === 62 || code === 58 || code === 124 || code === 63 || code === 44) return true;
    const allowed =
      isAsciiWordCode(code) ||
      code === 32 ||
      code === 9 ||
      code === 10 ||
      code === 12 ||
      code === 13 ||
      code === 46 ||
      code === 45 ||
      code === 39 ||
      code === 34 ||
      code >= 128;
    if (!allowed) return false;
  }
  return false;
}

/**
 * Per-rule checks of a keyword occurrence (the text and the occurrence's end) that every match
 * starting at that occurrence passes; an occurrence failing it opens no window for the rule.
 */
const hitFilters: Readonly<Record<string, (text: string, end: number) => boolean>> = {
  'generic-api-key': assignmentFollows,
};

function isAsciiWordCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}

/**
 * How the secret's span follows from the whole match, for rules shaped `\b(TOKEN)\b` (the
 * secret is the match) or `\b(TOKEN)` + {@link tokenEnd} (the match minus its last character,
 * unless the match ends the text on a token character). Such a rule runs as `finder`, the same
 * pattern without its capture group: RE2 then only finds where the match starts and ends (its
 * DFA), skipping the capture extraction, which costs ~10x more for a long key.
 */
type SpanFromMatch = 'whole' | 'before-token-end';

/** Characters that continue a token (the complement of {@link tokenEnd}'s class). */
function isTokenCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 45
  );
}

/**
 * The rule's pattern without its one capture group, and how the secret's span follows from the
 * match, if the rule has one of the shapes of {@link SpanFromMatch} (the group is the whole token
 * and holds no other capturing group); otherwise undefined.
 */
export function spanFinderOf(rule: GitleaksRule): { finder: string; span: SpanFromMatch } | undefined {
  if (
    rule.secretGroup !== 1 ||
    !rule.regex.startsWith(String.raw`\b(`) ||
    rule.regex.startsWith(String.raw`\b(?`)
  )
    return undefined;
  let span: SpanFromMatch;
  let suffix: string;
  if (rule.regex.endsWith(`)${tokenEnd}`)) {
    suffix = tokenEnd;
    span = 'before-token-end';
  } else if (rule.regex.endsWith(String.raw`)\b`)) {
    suffix = String.raw`\b`;
    span = 'whole';
  } else return undefined;
  const inner = rule.regex.slice(3, rule.regex.length - suffix.length - 1);
  // Only non-capturing groups inside (no named ones), no escaped parentheses and no character
  // class that could hide one, and the parentheses balanced without ever closing the outer group.
  if (/\((?!\?)|\(\?P|\(\?<|\\[()]|\[[^\]]*[()]/.test(inner)) return undefined;
  let depth = 0;
  for (const character of inner) {
    if (character === '(') depth += 1;
    else if (character === ')') depth -= 1;
    if (depth < 0) return undefined;
  }
  if (depth !== 0) return undefined;
  return { finder: String.raw`\b(?:${inner})${suffix}`, span };
}

interface CompiledRule {
  /** See {@link spanFinderOf}: the capture-free pattern and how the secret's span follows from its match. */
  finder: { regex: LinearRegex; span: SpanFromMatch } | undefined;
  /** Whether the rule's `[\w.-]{0,50}?` prefix was dropped. */
  extendLeft: boolean;
  /** Whether the rule's pattern can match text of unbounded length (it then scans the whole text). */
  unbounded: boolean;
  rule: GitleaksRule;
  regex: LinearRegex;
  allowlists: readonly CompiledAllowlist[];
  generic: boolean;
  score: number;
  /** See {@link keywordAtWordStart}. */
  keywordAtWordStart: boolean;
  /** See {@link requiredLiterals}. */
  requiredLiterals: readonly string[];
  /** Characters searched before a keyword's start and after its end (bounded rules). */
  window: readonly [number, number];
  /** See {@link hitFilters}. */
  hitFilter: ((text: string, end: number) => boolean) | undefined;
}

/**
 * Markers of documentation placeholders: a candidate secret containing one (case-insensitive) is
 * not reported, e.g. AWS's `AKIAIOSFODNN7EXAMPLE` or `sk-your-key-here`.
 */
export const placeholderMarkers: readonly string[] = [
  'example',
  'placeholder',
  'your_',
  'your-',
  'yourkey',
  'xxxxxxxx',
  '********',
  'changeme',
  'redacted',
  'dummy',
  'sample',
  '<',
  '>',
  '${',
  '{{',
];

/**
 * NemoClaw's additions to gitleaks' generic-rule allowlist: the value of a key that names an
 * identifier, type, length or location of a credential rather than the credential itself
 * (`token_id=`, `key_name:`, `secret_path=`).
 */
export const genericIdentifierAllowlist: GitleaksAllowlist = {
  regexTarget: 'match',
  regexes: [
    String.raw`(?i)(?:token|key|secret|auth|access|credential|password|api)[_.\-]?(?:id|ids|name|type|kind|version|length|len|size|url|uri|path|file|prefix|hint|count|expiry|expires|ttl)\b`,
  ],
  stopwords: [],
};

/**
 * gitleaks' global allowlist regexes as {@link globalAllowlistMayMatch} was written for. If a
 * regenerated ruleset changes them, the shortcut is not used (the regexes still run).
 */
export const knownGlobalRegexes: readonly string[] = [
  '(?i)^true|false|null$',
  '^(?i:a+|b+|c+|d+|e+|f+|g+|h+|i+|j+|k+|l+|m+|n+|o+|p+|q+|r+|s+|t+|u+|v+|w+|x+|y+|z+|\\*+|\\.+)$',
  '^\\$(?:\\d+|{\\d+})$',
  '^\\$(?:[A-Z_]+|[a-z_]+)$',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: gitleaks matches ${...} placeholders literally
  '^\\${(?:[A-Z_]+|[a-z_]+)}$',
  '^\\{\\{[ \\t]*[\\w ().|]+[ \\t]*}}$',
  '^\\$\\{\\{[ \\t]*(?:(?:env|github|secrets|vars)(?:\\.[A-Za-z]\\w+)+[\\w "\'&./=|]*)[ \\t]*}}$',
  '^%(?:[A-Z_]+|[a-z_]+)%$',
  '^%[+\\-# 0]?[bcdeEfFgGoOpqstTUvxX]$',
  '^\\{\\d{0,2}}$',
  '^@(?:[A-Z_]+|[a-z_]+)@$',
  '^/Users/(?i)[a-z0-9]+/[\\w .-/]+$',
  '^/(?:bin|etc|home|opt|tmp|usr|var)/[\\w ./-]+$',
];

/**
 * True unless the secret certainly matches none of {@link knownGlobalRegexes}: those need it to
 * start with `$`, `{`, `%`, `@` or `/`, to start with `true`, contain `false` or end with `null`,
 * or to repeat one letter, `*` or `.`. Any non-ASCII character also says "maybe" (RE2's case
 * folding matches `ſ` for `s` and the Kelvin sign for `k`).
 */
export function globalAllowlistMayMatch(secret: string, lowerSecret: string): boolean {
  const first = secret.charCodeAt(0);
  // $ { % @ /
  if (first === 36 || first === 123 || first === 37 || first === 64 || first === 47) return true;
  if (lowerSecret.startsWith('true') || lowerSecret.includes('false') || lowerSecret.endsWith('null'))
    return true;
  let same = true;
  const head = lowerSecret.charCodeAt(0);
  for (let index = 0; index < secret.length; index += 1) {
    if (secret.charCodeAt(index) >= 128) return true;
    if (lowerSecret.charCodeAt(index) !== head) same = false;
  }
  return same;
}

function compileAllowlist(
  allowlist: GitleaksAllowlist,
  mayMatch?: CompiledAllowlist['mayMatch'],
): CompiledAllowlist {
  const long = allowlist.stopwords.filter((word) => word.length >= 2);
  return {
    mayMatch: allowlist.regexTarget === 'secret' ? mayMatch : undefined,
    target: allowlist.regexTarget,
    // Inline flags such as (?i) stay scoped to their own alternative inside (?:...).
    regex:
      allowlist.regexes.length > 0
        ? compileLinear(allowlist.regexes.map((pattern) => `(?:${pattern})`).join('|'))
        : undefined,
    stopwords: long.length > 0 ? new KeywordIndex(long) : undefined,
    shortStopwords: allowlist.stopwords.filter((word) => word.length < 2),
  };
}

function finderOf(rule: GitleaksRule): CompiledRule['finder'] {
  const found = spanFinderOf(rule);
  return found === undefined ? undefined : { regex: compileLinear(found.finder), span: found.span };
}

let compiledRules: readonly CompiledRule[] | undefined;
let compiledGlobal: CompiledAllowlist | undefined;

/** Compiles every built-in secret rule with RE2 (once per process). Throws if one cannot compile. */
export function compileSecretRules(): readonly CompiledRule[] {
  if (compiledRules) return compiledRules;
  const knownGlobal =
    gitleaksGlobalAllowlist.regexes.length === knownGlobalRegexes.length &&
    gitleaksGlobalAllowlist.regexes.every((regex, index) => regex === knownGlobalRegexes[index]);
  compiledGlobal = compileAllowlist(
    gitleaksGlobalAllowlist,
    knownGlobal ? globalAllowlistMayMatch : undefined,
  );
  compiledRules = [...extraSecretRules, ...gitleaksRules].map((rule) => {
    const generic = rule.id.startsWith('generic');
    // gitleaks' assignment rules start with a lazy `[\w.-]{0,50}?` that only extends the match
    // to the left; it multiplies RE2's automaton states, so it is dropped and the match text for
    // `match` allowlists is extended to the left by hand (see leftExtension).
    const stripped = rule.regex.replace(leftPrefix, '');
    return {
      unbounded: spansLines.test(stripped),
      extendLeft: stripped !== rule.regex,
      rule,
      regex: compileLinear(stripped, 'd'),
      finder: finderOf(rule),
      allowlists: [...rule.allowlists, ...(generic ? [genericIdentifierAllowlist] : [])].map((allowlist) =>
        compileAllowlist(allowlist),
      ),
      generic,
      score: generic || rule.id === 'password-assignment' ? 0.8 : 1,
      keywordAtWordStart: keywordAtWordStart.has(rule.id),
      requiredLiterals: requiredLiterals[rule.id] ?? [],
      window: windowOverrides[rule.id] ?? [windowBefore, windowAfter],
      hitFilter: hitFilters[rule.id],
    };
  });
  return compiledRules;
}

/** Where a candidate secret was found; the match text and the line are sliced only when needed. */
interface AllowlistContext {
  text: string;
  /** Start of the match as gitleaks sees it (its dropped `[\w.-]{0,50}?` prefix restored). */
  matchStart: number;
  start: number;
  end: number;
  matchText: string | undefined;
  line: string | undefined;
}

function allowed(
  allowlist: CompiledAllowlist,
  secret: string,
  lowerSecret: string,
  context: AllowlistContext,
): boolean {
  if (allowlist.stopwords?.containsAny(lowerSecret)) return true;
  for (const word of allowlist.shortStopwords) if (lowerSecret.includes(word)) return true;
  if (allowlist.regex === undefined) return false;
  if (allowlist.mayMatch !== undefined && !allowlist.mayMatch(secret, lowerSecret)) return false;
  let target = secret;
  if (allowlist.target === 'match') {
    context.matchText ??= context.text.slice(context.matchStart, context.end);
    target = context.matchText;
  } else if (allowlist.target === 'line') {
    context.line ??= lineAround(context.text, context.start, context.end);
    target = context.line;
  }
  allowlist.regex.lastIndex = 0;
  return allowlist.regex.test(target);
}

function lineAround(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const newline = text.indexOf('\n', end);
  return text.slice(lineStart, newline === -1 ? text.length : newline);
}

function hasDigit(value: string): boolean {
  return /\d/.test(value);
}

/**
 * Secrets: gitleaks' ruleset (converted at build time, MIT, see
 * `secrets/gitleaks-rules.generated.ts`) plus NemoClaw's extra rules, all run in RE2. As in
 * gitleaks a rule runs only when one of its keywords occurs in the text, its secret must exceed
 * the rule's Shannon-entropy minimum (generic rules also need a digit) and must not match the
 * rule's or the global allowlists. Documentation placeholders ({@link placeholderMarkers}) are
 * dropped. The finding's span is the secret itself (not the `key =` around it); its subtype is
 * the rule id.
 */
export function createSecretsRecognizer(): Recognizer {
  const rules = compileSecretRules();
  const global = compiledGlobal;
  // One pass finds every keyword; a rule then runs only on windows around its
  // keywords' occurrences (gitleaks' keywords are substrings of the rule's match).
  const rulesByKeyword = new Map<string, number[]>();
  const alwaysRun: number[] = [];
  rules.forEach((compiled, index) => {
    if (compiled.rule.keywords.length === 0) alwaysRun.push(index);
    for (const keyword of compiled.rule.keywords) {
      const list = rulesByKeyword.get(keyword) ?? [];
      list.push(index);
      rulesByKeyword.set(keyword, list);
    }
  });
  const keywordIndex = new KeywordIndex(rulesByKeyword.keys());
  return {
    name: 'secrets',
    entities: ['SECRET'],
    keywordIndexes: [keywordIndex],
    scan(input: ScanInput): Finding[] {
      const { text } = input;
      const windows = new Map<number, [number, number][]>();
      for (const index of alwaysRun) windows.set(index, [[0, text.length]]);
      const literalPresent = new Map<number, boolean>();
      keywordIndex.forEachHitOf(input, (keyword, hitStart, hitEnd) => {
        const gluedLeft = hitStart > 0 && isAsciiWordCode(text.charCodeAt(hitStart - 1));
        for (const index of rulesByKeyword.get(keyword) ?? []) {
          const compiled = rules[index];
          if (compiled === undefined) continue;
          if (gluedLeft && compiled.keywordAtWordStart) continue;
          if (compiled.hitFilter !== undefined && !compiled.hitFilter(text, hitEnd)) continue;
          if (compiled.requiredLiterals.length > 0) {
            let present = literalPresent.get(index);
            if (present === undefined) {
              present = compiled.requiredLiterals.every((literal) => input.lowerText.includes(literal));
              literalPresent.set(index, present);
            }
            if (!present) continue;
          }
          let list = windows.get(index);
          if (list === undefined) {
            list = [];
            windows.set(index, list);
          }
          if (compiled.unbounded) {
            if (list.length === 0) list.push([0, text.length]);
          } else {
            const [before, after] = compiled.window;
            list.push([hitStart - before, hitEnd + after]);
          }
        }
        return true;
      });
      const findings: Finding[] = [];
      // Rule order (NemoClaw's rules first), not keyword order: which rule names a span that two
      // rules find equally must not depend on where their keywords happen to occur.
      const order = [...windows.keys()].sort((left, right) => left - right);
      for (const index of order) {
        const list = windows.get(index) ?? [];
        const compiled = rules[index];
        if (compiled === undefined) continue;
        for (const [from, to] of mergeWindows(text, list))
          scanWindow(compiled, input, from, to, global, findings);
      }
      return findings;
    },
  };
}

/** Characters searched before and after a keyword occurrence by a bounded rule. */
const windowBefore = 120;
const windowAfter = 500;

/** Sorts, snaps to whitespace (so that `^`, `$` and `\\b` behave as on the whole text) and merges windows. */
function mergeWindows(text: string, windows: readonly [number, number][]): [number, number][] {
  const snapped = windows
    .map(([from, to]): [number, number] => [snapStart(text, from), snapEnd(text, to)])
    .sort((left, right) => left[0] - right[0]);
  const merged: [number, number][] = [];
  for (const window of snapped) {
    const last = merged[merged.length - 1];
    if (last !== undefined && window[0] <= last[1]) last[1] = Math.max(last[1], window[1]);
    else merged.push([window[0], window[1]]);
  }
  return merged;
}

function isSpace(character: string): boolean {
  return character === ' ' || character === '\n' || character === '\t' || character === '\r';
}

function snapStart(text: string, from: number): number {
  if (from <= 0) return 0;
  for (let index = from; index > Math.max(0, from - 256); index -= 1)
    if (isSpace(text.charAt(index - 1))) return index;
  return Math.max(0, from - 256);
}

function snapEnd(text: string, to: number): number {
  if (to >= text.length) return text.length;
  for (let index = to; index < Math.min(text.length, to + 256); index += 1)
    if (isSpace(text.charAt(index))) return index;
  return Math.min(text.length, to + 256);
}

function scanWindow(
  compiled: CompiledRule,
  input: ScanInput,
  from: number,
  to: number,
  global: CompiledAllowlist | undefined,
  findings: Finding[],
): void {
  const { rule } = compiled;
  const text = input.text;
  let rescanFrom = -1;
  const finder = compiled.finder;
  forEachMatch(finder?.regex ?? compiled.regex, text, from, to, (match) => {
    if (match.end === to && to < text.length) {
      // A match reaching the window's end may continue past it (a very long token, or `$` matching
      // at the window's end): rescan from the match's start over a window twice as long (again if
      // needed), rather than to the end of the text, which made every such case a full pass.
      rescanFrom = match.start;
      return false;
    }
    let secret: string | undefined;
    let span: readonly [number, number] | undefined;
    if (finder !== undefined) {
      let end = match.end;
      if (finder.span === 'before-token-end' && !isTokenCode(text.charCodeAt(end - 1))) {
        const low = text.charCodeAt(end - 1);
        const high = text.charCodeAt(end - 2);
        end -=
          low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff && end - 2 >= match.start
            ? 2
            : 1;
      }
      span = [match.start, end];
      secret = text.slice(match.start, end);
    } else {
      let index = rule.secretGroup;
      if (index === 0) index = match.groups.findIndex((group, position) => position > 0 && group);
      if (index <= 0) index = 0;
      secret = match.groups[index];
      span = index === 0 ? ([match.start, match.end] as const) : match.spans[index];
    }
    if (secret === undefined || span === undefined || secret.length === 0) return true;
    if (rule.entropy > 0 && shannonEntropy(secret) <= rule.entropy) return true;
    if (compiled.generic && !hasDigit(secret)) return true;
    const lowerSecret = secret.toLowerCase();
    for (const marker of placeholderMarkers) if (lowerSecret.includes(marker)) return true;
    const matchStart = compiled.extendLeft ? leftExtension(text, match.start) : match.start;
    const context: AllowlistContext = {
      text,
      matchStart: Math.max(from, matchStart),
      start: match.start,
      end: match.end,
      matchText: undefined,
      line: undefined,
    };
    if (global && allowed(global, secret, lowerSecret, context)) return true;
    for (const allowlist of compiled.allowlists)
      if (allowed(allowlist, secret, lowerSecret, context)) return true;
    findings.push({
      type: 'SECRET',
      subtype: rule.id,
      start: span[0],
      end: span[1],
      score: compiled.score,
      detector: 'secrets',
    });
    return true;
  });
  if (rescanFrom >= 0) {
    const extended = snapEnd(text, to + Math.max(windowAfter, to - from));
    scanWindow(compiled, input, rescanFrom, extended, global, findings);
  }
}
