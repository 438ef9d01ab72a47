import { existsSync } from 'node:fs';
import type { Test } from 'tap';

/** Debian's chromium, or the one MEENT_CHROMIUM names. */
function chromiumExecutable(): string | undefined {
  return [process.env.MEENT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => path && existsSync(path));
}

/**
 * Runs `body` with a headless Chromium to drive through playwright-core; where there is none, the test is reported
 * skipped with the reason — or fails, where CI requires the browser (MEENT_REQUIRE_CHROMIUM).
 */
export async function browserTest(t: Test, title: string, body: (t: Test, executablePath: string) => Promise<void>): Promise<void> {
  const executablePath = chromiumExecutable();
  if (executablePath) {
    await t.test(title, (t) => body(t, executablePath));
    return;
  }
  // `pnpm test` looked for Chromium and tried to install it (scripts/chromium.mjs); it says why it has none.
  const reason = process.env.MEENT_TEST_CHROMIUM_UNAVAILABLE ?? 'no Chromium here: install Debian’s chromium package or set MEENT_CHROMIUM';
  if (process.env.MEENT_REQUIRE_CHROMIUM) t.fail(`Chromium is required here: ${reason}`);
  else await t.test(title, { skip: reason }, async () => undefined);
}
