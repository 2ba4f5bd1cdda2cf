import { describe, expect, it } from 'vitest';
import { BoundedLruMap } from './bounded-lru-map.js';
import { conversationIdOf } from './conversation-id.js';

describe('conversationIdOf', () => {
  const turn1 = {
    model: 'm',
    user: 'u1',
    messages: [
      { role: 'system', content: 's' },
      { role: 'user', content: 'first' },
    ],
  };
  const turn2 = {
    ...turn1,
    messages: [...turn1.messages, { role: 'assistant', content: 'a' }, { role: 'user', content: 'second' }],
  };

  it('prefers the x-nemoclaw-conversation header', () => {
    expect(conversationIdOf({ 'x-nemoclaw-conversation': ' thread-9 ' }, turn1, 'openai-chat')).toBe(
      'h:thread-9',
    );
  });

  it('is the same for every turn of a conversation and differs across users and first messages', () => {
    const first = conversationIdOf({}, turn1, 'openai-chat');
    expect(first).toMatch(/^m:[0-9a-f]{32}$/);
    expect(conversationIdOf({}, turn2, 'openai-chat')).toBe(first);
    expect(conversationIdOf({}, { ...turn1, user: 'u2' }, 'openai-chat')).not.toBe(first);
    expect(
      conversationIdOf({}, { ...turn1, messages: [{ role: 'user', content: 'other' }] }, 'openai-chat'),
    ).not.toBe(first);
  });

  it('uses Anthropic metadata.user_id and the Responses conversation id', () => {
    const anthropic = {
      metadata: { user_id: 'u1' },
      system: 's',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    };
    expect(conversationIdOf({}, anthropic, 'anthropic-messages')).not.toBe(
      conversationIdOf({}, { ...anthropic, metadata: { user_id: 'u2' } }, 'anthropic-messages'),
    );
    expect(conversationIdOf({}, { input: 'x', conversation: { id: 'conv_1' } }, 'openai-responses')).toBe(
      'c:conv_1',
    );
    expect(conversationIdOf({}, { input: 'x' }, 'openai-embeddings')).toBeUndefined();
  });
});

describe('BoundedLruMap', () => {
  it('evicts the least recently used entry and forgets idle ones', () => {
    let now = 0;
    const map = new BoundedLruMap<number>({ maxEntries: 2, ttlMs: 100, now: () => now });
    map.set('a', 1);
    map.set('b', 2);
    map.get('a');
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    now = 500;
    expect(map.get('a')).toBeUndefined();
  });
});
