// The ballots of one voting round, as a persistent value: `with` returns a new box and leaves the old one as it was,
// yet a vote costs O(1) rather than a copy of every ballot before it — a 10,000-voter motion folds in linear time.
import type { EncryptedData } from '@meent/eventsourcing';
import type { Choice } from './motion.events.js';

export interface Ballot {
  readonly voterId: string;
  readonly castBy: string;
  /** Null on a secret motion, whose choice is only in `sealedChoice`. */
  readonly choice: Choice | null;
  readonly sealedChoice: EncryptedData | null;
}

interface Shared {
  readonly ballots: Ballot[];
  /** Indices into `ballots` per voter, ascending. */
  readonly byVoter: Map<string, number[]>;
}

export class BallotBox {
  private constructor(
    private readonly shared: Shared,
    /** This box holds the first `size` ballots of `shared`; later ones belong to newer boxes. */
    readonly size: number,
    /** Distinct voters with a ballot in this box. */
    readonly voterCount: number,
  ) {}

  static empty(): BallotBox {
    return new BallotBox({ ballots: [], byVoter: new Map() }, 0, 0);
  }

  with(ballot: Ballot): BallotBox {
    const isNewVoter = this.latest(ballot.voterId) === undefined;
    // Only the newest box may extend the shared log; adding to an older one starts a log of its own.
    const shared = this.size === this.shared.ballots.length ? this.shared : this.copy();
    shared.ballots.push(ballot);
    const indices = shared.byVoter.get(ballot.voterId);
    if (indices) indices.push(this.size);
    else shared.byVoter.set(ballot.voterId, [this.size]);
    return new BallotBox(shared, this.size + 1, this.voterCount + (isNewVoter ? 1 : 0));
  }

  /** The ballot that counts for a voter: their last. */
  latest(voterId: string): Ballot | undefined {
    const indices = this.shared.byVoter.get(voterId);
    if (!indices) return undefined;
    for (let at = indices.length - 1; at >= 0; at -= 1) {
      const index = indices[at]!;
      if (index < this.size) return this.shared.ballots[index];
    }
    return undefined;
  }

  /** Every voter's last ballot, in the order they first voted. */
  *counted(): Generator<Ballot> {
    for (const voterId of this.shared.byVoter.keys()) {
      const ballot = this.latest(voterId);
      if (ballot) yield ballot;
    }
  }

  private copy(): Shared {
    const ballots = this.shared.ballots.slice(0, this.size);
    const byVoter = new Map<string, number[]>();
    ballots.forEach((ballot, index) => {
      const indices = byVoter.get(ballot.voterId);
      if (indices) indices.push(index);
      else byVoter.set(ballot.voterId, [index]);
    });
    return { ballots, byVoter };
  }
}
