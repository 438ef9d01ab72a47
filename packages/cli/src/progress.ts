/** How far a long command is, as one line a terminal redraws: `[#######-----------] 38% 3800/10000` and a suffix. */
export function progressBar(done: number, total: number, suffix = ''): string {
  const width = 30;
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${done}/${total}${suffix ? ` ${suffix}` : ''} `;
}

/** Redraws the line on standard error when it is a terminal; a pipe or a log gets the results only. */
export function terminalProgress(): { show(line: string): void; clear(): void } {
  const interactive = process.stderr.isTTY === true;
  let shown = false;
  return {
    show(line) {
      if (!interactive) return;
      process.stderr.write(`\r${line}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
