/** A string or number literal of a JSON text, with its raw span and its JSON Pointer. */
export interface JsonTextToken {
  /** `key` for an object key, `string` for a string value, `number` for a number value. */
  kind: 'key' | 'string' | 'number';
  /** Offset of the first character (the opening quote of a string). */
  start: number;
  /** Offset after the last character (after the closing quote of a string). */
  end: number;
  /** RFC 6901 pointer of the value (for a key: of the value it names). */
  pointer: string;
}

const maximumDepth = 256;

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * The string and number literals of a VALID JSON text (one `JSON.parse` accepted), in order, with
 * their raw spans: lets a caller replace a value in the text itself, keeping its formatting and
 * the exact digits of numbers that a parse and re-serialisation would round. Returns undefined
 * when the text nests deeper than 256 levels or is not valid JSON after all.
 */
export function jsonTextTokens(text: string): JsonTextToken[] | undefined {
  const tokens: JsonTextToken[] = [];
  let index = 0;
  const skipWhitespace = (): void => {
    while (index < text.length && isWhitespace(text.charCodeAt(index))) index++;
  };
  const stringLiteral = (): [number, number] => {
    const start = index;
    index++;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (code === 92) index += 2;
      else if (code === 34) {
        index++;
        break;
      } else index++;
    }
    return [start, index];
  };
  const expect = (character: string): void => {
    skipWhitespace();
    if (text.charAt(index) !== character) throw new SyntaxError(`expected ${character} at ${index}`);
    index++;
  };
  const value = (pointer: string, depth: number): void => {
    if (depth > maximumDepth) throw new RangeError('too deep');
    skipWhitespace();
    const character = text.charAt(index);
    if (character === '{') {
      index++;
      skipWhitespace();
      if (text.charAt(index) === '}') {
        index++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text.charAt(index) !== '"') throw new SyntaxError(`expected a key at ${index}`);
        const [start, end] = stringLiteral();
        const key = JSON.parse(text.slice(start, end)) as string;
        const child = `${pointer}/${escapePointer(key)}`;
        tokens.push({ kind: 'key', start, end, pointer: child });
        expect(':');
        value(child, depth + 1);
        skipWhitespace();
        if (text.charAt(index) === ',') {
          index++;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (character === '[') {
      index++;
      skipWhitespace();
      if (text.charAt(index) === ']') {
        index++;
        return;
      }
      for (let position = 0; ; position++) {
        value(`${pointer}/${position}`, depth + 1);
        skipWhitespace();
        if (text.charAt(index) === ',') {
          index++;
          continue;
        }
        expect(']');
        return;
      }
    }
    if (character === '"') {
      const [start, end] = stringLiteral();
      tokens.push({ kind: 'string', start, end, pointer });
      return;
    }
    const start = index;
    while (index < text.length && /[-+.0-9a-zA-Z]/.test(text.charAt(index))) index++;
    if (index === start) throw new SyntaxError(`unexpected ${JSON.stringify(character)} at ${index}`);
    if (character === '-' || (character >= '0' && character <= '9')) {
      tokens.push({ kind: 'number', start, end: index, pointer });
    }
  };
  try {
    value('', 0);
    skipWhitespace();
    return index === text.length ? tokens : undefined;
  } catch {
    return undefined;
  }
}
