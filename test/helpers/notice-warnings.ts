import { afterAll, expect } from 'vitest';

/**
 * Fails the calling test file when its process warned that a security notice failed: one still
 * being sent in the background when a test closed its store ("The database connection is not
 * open") is a notice lost. Close a facade's store after `tf.notices.settled()`. Call at the top of
 * a test file (or of a helper module it imports).
 */
export function failOnLostNotices(): void {
  const warnings: string[] = [];
  const listener = (warning: Error) => {
    if (warning.message.includes('[notify]')) warnings.push(warning.message);
  };
  process.on('warning', listener);
  afterAll(async () => {
    // A notice still in flight warns on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.off('warning', listener);
    expect(warnings).toEqual([]);
  });
}
