import { describe, expect, it } from 'vitest';
import { minGzipBytes, UI_BUDGETS } from '../../bench/ui-size.js';

// The sizes are measured by the bench (`npm run bench -- ui-size`); this holds the budgets.
describe('browser code size budgets (min+gzip)', () => {
  it('the client is at most 4 KB', async () => {
    expect((await minGzipBytes('client')).gzip).toBeLessThanOrEqual(UI_BUDGETS.client);
  });

  it('all elements together are at most 25 KB, and one element alone weighs less than all', async () => {
    const all = (await minGzipBytes('elements')).gzip;
    expect(all).toBeLessThanOrEqual(UI_BUDGETS.elements);
    expect((await minGzipBytes('elements/challenge')).gzip).toBeLessThan(all);
  });
});
