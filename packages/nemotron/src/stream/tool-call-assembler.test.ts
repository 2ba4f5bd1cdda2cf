import { describe, expect, it } from 'vitest';
import { parseToolArguments, ToolCallAssembler } from './tool-call-assembler.js';

const fragment = (index: number, argumentsFragment: string, id?: string, name?: string) =>
  ({ type: 'tool-call', index, id, name, argumentsFragment }) as const;

describe('ToolCallAssembler', () => {
  it('assembles out-of-order, interleaved fragments by index and names calls without ids', () => {
    const assembler = new ToolCallAssembler();
    for (const event of [
      fragment(1, '{"b":', undefined, 'second'),
      fragment(0, '', 'call_x', 'first'),
      fragment(0, '{"a":1}'),
      fragment(1, '2}'),
    ]) {
      assembler.push(event);
    }
    assembler.push({ type: 'content', text: 'ignored' });
    expect(assembler.toolCalls).toEqual([
      { id: 'call_x', type: 'function', function: { name: 'first', arguments: '{"a":1}' } },
      { id: 'call_1', type: 'function', function: { name: 'second', arguments: '{"b":2}' } },
    ]);
  });

  it('neither doubles a repeated name nor loses a split one', () => {
    const repeated = new ToolCallAssembler();
    repeated.push(fragment(0, '{', 'c', 'lookup'));
    repeated.push(fragment(0, '}', undefined, 'lookup'));
    expect(repeated.toolCalls[0]?.function.name).toBe('lookup');
    const split = new ToolCallAssembler();
    split.push(fragment(0, '', 'c', 'get_'));
    split.push(fragment(0, '{}', undefined, 'weather'));
    expect(split.toolCalls[0]?.function.name).toBe('get_weather');
  });
});

describe('parseToolArguments', () => {
  const call = (text: string) => ({
    id: 'c',
    type: 'function' as const,
    function: { name: 'f', arguments: text },
  });

  it('parses objects, treats empty arguments as {}, and explains what is wrong otherwise', () => {
    expect(parseToolArguments(call('{"city":"Zürich"}'))).toEqual({ ok: true, value: { city: 'Zürich' } });
    expect(parseToolArguments(call('  '))).toEqual({ ok: true, value: {} });
    expect(parseToolArguments(call('{"city":'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not valid JSON/),
    });
    expect(parseToolArguments(call('[1,2]'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not a JSON object/),
    });
  });
});
