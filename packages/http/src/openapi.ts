// The OpenAPI document as client generators and readers want it, finished after the routes' schemas are turned into
// it: every operation named, every tag declared, every response described, problems as the
// `application/problem+json` the server sends, the headers every answer carries, and no integer bounds that only say
// "a JavaScript number".

/** What each tag's operations are about, for the document's tag list. */
export const OPENAPI_TAGS: readonly { name: string; description: string }[] = [
  { name: 'operations', description: 'Liveness, readiness and metrics, for orchestrators, load balancers and monitoring' },
  { name: 'membership', description: 'The cooperative, its statutes and rules, officers, and the member register: applications, admission, suspension, expulsion and appeal, resignation, personal data' },
  { name: 'identity', description: 'Signing in with an e-mailed code or an identity provider; sessions and their tokens' },
  { name: 'notifications', description: 'What a member is told and how: notices, preferences, webhooks, the assembly calendar' },
  { name: 'voting', description: 'General assemblies, voter rolls, proxies, motions, ballots (open and secret), written resolutions' },
  { name: 'budget', description: 'Budgets, reservations and disbursements' },
  { name: 'annual-accounts', description: 'Closing a year’s books: the annual accounts, the audit committee and its report (BW 2:10, 2:48, 2:58)' },
  { name: 'ledger', description: 'Income and expenses booked on a budget’s lines, with the four-eyes rule' },
  { name: 'initiative-funding', description: 'Initiatives and their grants, multi-year agreements, partners, results and the annual impact report' },
  { name: 'participatory-budgeting', description: 'Rounds in which members and residents choose the initiatives a budget funds, counted by the Method of Equal Shares' },
  { name: 'audit', description: 'The history in global order, seals, and the verification of every hash and link' },
  { name: 'admin', description: 'Operating a deployment: projections, reactions, admins' },
];

const STATUS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  200: 'OK',
  201: 'Created: the answer holds the new resource’s id and the position to read after',
  202: 'Accepted: it runs on; the answer says how far it is',
  204: 'Done; nothing to answer',
  400: 'The request is malformed: `errors` names each field and what is wrong with it',
  401: 'No valid bearer token',
  403: 'The caller may not do this',
  404: 'No such resource in this cooperative',
  409: 'It conflicts with the resource’s state or with a concurrent change; read it again',
  413: 'The request body is too large',
  415: 'The body is not JSON',
  422: 'The request is understood but a rule refuses it: `code` names the rule',
  429: 'Too many requests: `retry-after` says when to try again',
  503: 'A store is out of reach, or a read model is behind or being rebuilt after an upgrade: `retry-after` says when to try again',
};

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * An operation's id from its method and path: the path's words in order, a trailing parameter as `By…` —
 * `GET /cooperatives/{cooperativeId}/members/{memberId}` is `getCooperativesMembersByMemberId`.
 */
export function operationIdOf(method: string, path: string): string {
  const segments = path.split('/').filter(Boolean);
  const words = segments.flatMap((segment, index) => {
    const parameter = /^\{(\w+)\}$/.exec(segment)?.[1];
    if (parameter) return index === segments.length - 1 ? [`By${capitalised(parameter)}`] : [];
    return segment.split(/[^A-Za-z0-9]+/).filter(Boolean).map(capitalised);
  });
  return `${method.toLowerCase()}${words.join('')}`;
}

/** Drops `minimum`/`maximum` that are only the bounds of a JavaScript number, which generators show as examples. */
function withoutNumberBounds(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) withoutNumberBounds(item);
    return;
  }
  if (!isObject(node)) return;
  if (node.minimum === -SAFE_INTEGER) delete node.minimum;
  if (node.maximum === SAFE_INTEGER) delete node.maximum;
  for (const value of Object.values(node)) withoutNumberBounds(value);
}

const REQUEST_ID_HEADER = { description: 'The request’s id, as given in `x-request-id` or made up; in every log line about it', schema: { type: 'string' } };
const RETRY_AFTER_HEADER = { description: 'Seconds to wait before trying again', schema: { type: 'integer', minimum: 1 } };

function finishResponses(responses: Json): void {
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    if (typeof response.description !== 'string' || response.description === 'Default Response') {
      response.description = STATUS_DESCRIPTIONS[status] ?? 'See the operation';
    }
    // An error is a problem whatever the operation answers when it succeeds (CSV, say).
    const problem = isObject(response.content) ? Object.values(response.content)[0] : undefined;
    if (Number(status) >= 400 && problem) response.content = { 'application/problem+json': problem };
    response.headers = {
      ...(isObject(response.headers) ? response.headers : {}),
      'x-request-id': REQUEST_ID_HEADER,
      ...(status === '429' || status === '503' ? { 'retry-after': RETRY_AFTER_HEADER } : {}),
    };
  }
}

/** Every `$ref` in the node. */
function referencesIn(node: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) referencesIn(item, found);
  else if (isObject(node)) {
    if (typeof node.$ref === 'string') found.add(node.$ref);
    for (const value of Object.values(node)) referencesIn(value, found);
  }
  return found;
}

/**
 * Drops the component schemas no operation reaches: every schema named in the code (an event's, say) is registered,
 * but the document describes the API.
 */
function withoutUnusedSchemas(root: Json): void {
  const components = isObject(root.components) ? root.components : undefined;
  const schemas = components && isObject(components.schemas) ? components.schemas : undefined;
  if (!schemas) return;
  const reached = referencesIn(root.paths, new Set());
  let grown = true;
  while (grown) {
    const before = reached.size;
    for (const reference of [...reached]) referencesIn(schemas[reference.replace('#/components/schemas/', '')], reached);
    grown = reached.size > before;
  }
  for (const name of Object.keys(schemas)) if (!reached.has(`#/components/schemas/${name}`)) delete schemas[name];
}

/** Finishes the generated document in place and returns it. */
export function finishOpenApiDocument<Document extends object>(document: Document): Document {
  const root = document as Json;
  root.servers = [{ url: '/', description: 'This server' }];
  const used = new Set<string>();
  for (const [path, item] of Object.entries(isObject(root.paths) ? root.paths : {})) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation) || !['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      operation.operationId ??= operationIdOf(method, path);
      for (const tag of Array.isArray(operation.tags) ? operation.tags : []) used.add(String(tag));
      // A public operation says so: no token needed.
      operation.security ??= [];
      if (isObject(operation.responses)) finishResponses(operation.responses);
    }
  }
  root.tags = OPENAPI_TAGS.filter((tag) => used.has(tag.name));
  withoutUnusedSchemas(root);
  withoutNumberBounds(root);
  return document;
}
