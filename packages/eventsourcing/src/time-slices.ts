// On the embedded store every statement runs synchronously and its promise settles at once, so a long loop of them
// never waits on I/O: without a pause it holds every request of the process back until it ends.

/** How long work runs before it lets the event loop serve others. */
const SLICE_MS = 4;

/** Pauses a long loop for one turn of the event loop once it has run `sliceMs` since the last pause. */
export class TimeSlices {
  private sliceStarted = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  async pause(): Promise<void> {
    if (performance.now() - this.sliceStarted < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.sliceStarted = performance.now();
  }
}
