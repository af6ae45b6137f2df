import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { typedCode } from '../../src/elements/dom.js';

describe('a pasted code, as the elements send it', () => {
  it('a numeric code loses its spaces and dashes; a backup code keeps its own (the server reads them)', () => {
    expect(typedCode(' 123 456 ')).toBe('123456');
    expect(typedCode('123-456')).toBe('123456');
    expect(typedCode('12 34-56\n')).toBe('123456');
    expect(typedCode(' ABCD EFGH-IJKL mnop ')).toBe('ABCD EFGH-IJKL mnop');
  });

  it('any six digits with separators between them come back as the six digits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 6, maxLength: 6 }),
        fc.array(fc.constantFrom('', ' ', '-', '  ')),
        (digits, seps) => {
          const pasted = digits.map((d, i) => `${d}${seps[i] ?? ''}`).join('');
          expect(typedCode(pasted)).toBe(digits.join(''));
        },
      ),
    );
  });
});
