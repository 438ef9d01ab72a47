/** One forward page of a stream: from a revision, at most `limit` events. */
export interface StreamPage {
  readonly stream: string;
  readonly fromRevision: number;
  readonly limit: number;
}

interface PendingPage<Row> extends StreamPage {
  resolve(rows: Row[]): void;
  reject(error: unknown): void;
}

/** The most pages one query answers. */
const MAX_PAGES = 500;

/**
 * Forward pages of streams asked for in the same turn of the event loop, read together by one query: a burst of
 * requests that each read a member's record (a vote reads its voter's standing) shares a round trip to the database
 * instead of queueing one each for the pool. Each page is read as a plain read of its stream would read it, in one
 * snapshot; a failed query fails every page it was reading.
 */
export class StreamPageReads<Row> {
  private pending: PendingPage<Row>[] = [];

  /** `readPages` answers every page's rows, each row with the index of its page in `pages`, in revision order. */
  constructor(private readonly readPages: (pages: readonly StreamPage[]) => Promise<readonly { page: number; row: Row }[]>) {}

  read(page: StreamPage): Promise<Row[]> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ ...page, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const waiting = this.pending;
    this.pending = [];
    for (let start = 0; start < waiting.length; start += MAX_PAGES) {
      const pages = waiting.slice(start, start + MAX_PAGES);
      try {
        const rows = pages.map((): Row[] => []);
        for (const { page, row } of await this.readPages(pages)) rows[page]?.push(row);
        pages.forEach((page, index) => page.resolve(rows[index] ?? []));
      } catch (error) {
        for (const page of pages) page.reject(error);
      }
    }
  }
}
