// Finds Debian's Chromium for the browser tests, installing it with apt where it is missing and this user may: on a
// machine where it can be neither found nor installed, the browser tests report themselves skipped with the reason
// (CI requires them).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

const found = () => [process.env.MEENT_CHROMIUM, ...CANDIDATES].find((path) => path && existsSync(path));

/** Returns the path of a Chromium to drive, or a reason there is none. */
export function ensureChromium() {
  const present = found();
  if (present) return { path: present };
  if (!existsSync('/usr/bin/apt-get')) return { reason: 'no Chromium, and no apt to install it: install Chromium or set MEENT_CHROMIUM' };
  const asRoot = process.getuid?.() === 0;
  const apt = (args) =>
    execFileSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['-n', 'apt-get', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    process.stderr.write('Chromium is missing: installing Debian’s chromium package with apt for the browser tests\n');
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', 'chromium']);
  } catch (error) {
    return { reason: `Chromium could not be installed with apt: ${String(error.stderr || error.message).trim().split('\n').pop()}` };
  }
  const installed = found();
  return installed ? { path: installed } : { reason: 'apt installed chromium, but no chromium executable is where Debian puts it' };
}
