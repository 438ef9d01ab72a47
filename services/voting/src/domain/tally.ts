// How a tally becomes a decision (DESIGN §4): abstentions are not votes cast, a tie is rejected, and every
// comparison is cross-multiplied integers — no division, no floating point.
import type { DecisionRule, Tally } from './motion.events.js';

export interface Outcome {
  readonly quorumMet: boolean;
  readonly outcome: 'passed' | 'rejected';
  readonly explanation: string;
}

export function quorumMet(rule: DecisionRule, presentWeight: number, eligibleWeight: number): boolean {
  if (rule.quorum === null) return true;
  return presentWeight * rule.quorum.denominator >= rule.quorum.numerator * eligibleWeight;
}

export function majorityReached(rule: DecisionRule, tally: Tally): boolean {
  const cast = tally.for + tally.against;
  switch (rule.majority) {
    case 'simple':
      return tally.for > tally.against;
    case 'two-thirds':
      return tally.for > tally.against && tally.for * 3 >= cast * 2;
  }
}

export function outcomeOf(rule: DecisionRule, tally: Tally, presentWeight: number, eligibleWeight: number): Outcome {
  const majority = rule.majority === 'simple' ? 'a simple majority' : 'two thirds of the votes cast';
  const cast = `${tally.for} for, ${tally.against} against (${tally.abstain} abstaining, not counted as cast)`;
  if (!quorumMet(rule, presentWeight, eligibleWeight)) {
    const { numerator, denominator } = rule.quorum!;
    return {
      quorumMet: false,
      outcome: 'rejected',
      explanation: `Quorum not met: ${presentWeight} of ${eligibleWeight} present or represented, ${numerator}/${denominator} required.`,
    };
  }
  const basis = rule.basis === 'second-meeting' ? ' At a second meeting (BW 2:42) no quorum applies.' : '';
  return majorityReached(rule, tally)
    ? { quorumMet: true, outcome: 'passed', explanation: `Passed with ${majority}: ${cast}.${basis}` }
    : { quorumMet: true, outcome: 'rejected', explanation: `Rejected, ${majority} not reached: ${cast}.${basis}` };
}
