import { describe, expect, it } from 'vitest';
import { userIdFromTag, userTag } from '../../src/store/keys.js';

describe('userIdFromTag (the tags made in this process remembered the other way round)', () => {
  it('gives back the id of a tag, made here or not', () => {
    const tag = userTag('ana@example.com');
    expect(userIdFromTag(tag)).toBe('ana@example.com');
    const elsewhere = Buffer.from('bo', 'utf8').toString('base64url');
    expect(userIdFromTag(elsewhere)).toBe('bo');
  });

  it('refuses a tag that is not the canonical one of its id, even with that id remembered', () => {
    const tag = userTag('b'); // 'Yg': the last character carries four zero bits
    expect(tag).toBe('Yg');
    expect(userIdFromTag('Yh')).toBeNull();
    expect(userIdFromTag('Yg=')).toBeNull();
    expect(userIdFromTag('')).toBeNull();
  });

  it('refuses a tag longer than 700 characters though it was made here', () => {
    const id = 'x'.repeat(600);
    const tag = userTag(id);
    expect(tag.length).toBeGreaterThan(700);
    expect(userIdFromTag(tag)).toBeNull();
    expect(userIdFromTag(userTag('x'.repeat(500)))).toBe('x'.repeat(500));
  });
});
