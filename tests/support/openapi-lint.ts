import { createConfig, lintFromString } from '@redocly/openapi-core';

export interface LintProblem {
  readonly severity: 'error' | 'warn';
  readonly rule: string;
  readonly message: string;
  readonly where: string;
}

/** The document linted with Redocly's recommended rules, as `redocly lint` does. */
export async function lintOpenApi(document: object): Promise<LintProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  return problems.map((problem) => ({
    severity: problem.severity === 'error' ? 'error' : 'warn',
    rule: problem.ruleId,
    message: problem.message,
    where: problem.location[0]?.pointer ?? '',
  }));
}
