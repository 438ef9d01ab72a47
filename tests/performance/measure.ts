/** The median duration in milliseconds of `runs` runs of `work`, one after another. */
export async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const [figure] = await interleavedMedians(runs, [work]);
  return figure ?? 0;
}

/**
 * The median duration in milliseconds of each of `works`, timed one after another in each of `rounds` rounds: what
 * slows the machine for a while slows each of them alike, so their ratios hold where figures timed apart drift.
 */
export async function interleavedMedians(rounds: number, works: readonly (() => Promise<unknown>)[]): Promise<number[]> {
  const times = works.map((): number[] => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, work] of works.entries()) {
      const started = performance.now();
      await work();
      times[index]?.push(performance.now() - started);
    }
  }
  return times.map((figures) => figures.sort((one, other) => one - other)[Math.floor(rounds / 2)] ?? 0);
}
