// The membership context's public face: what the server composes, and the events other contexts may react to.
import { cooperativeEvents } from './domain/cooperative.events.js';
import { cooperativesProjection } from './projections/cooperatives.projection.js';
import { membershipRoutes } from './routes.js';

export { CooperativeFounded, type CooperativeEvent } from './domain/cooperative.events.js';
export {
  cooperativeRulesSchema,
  DECISION_TYPES,
  type CooperativeRules,
  type CooperativeRulesInput,
  type DecisionType,
  type Fraction,
} from './domain/cooperative-rules.js';

export const membership = {
  name: 'membership',
  events: [...cooperativeEvents],
  projections: [cooperativesProjection],
  routes: membershipRoutes,
} as const;
