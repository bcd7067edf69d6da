import { describe, expect, it } from 'vitest';
import { getJson } from '../../target-app/test/support/http.js';
import { type FuzzRun, runSchemathesis } from './support/schemathesis.js';
import { startTarget, TARGETS } from './support/target.js';

/** What every response must satisfy, and that valid bodies are accepted and invalid ones refused. */
const CHECKS = [
  'not_a_server_error',
  'response_schema_conformance',
  'status_code_conformance',
  'content_type_conformance',
  'positive_data_acceptance',
  'negative_data_rejection',
  // Undeclared methods: 405 with an Allow header naming the declared ones.
  'unsupported_method',
  'allow_header_conformance',
  'response_headers_conformance',
] as const;
const PHASES = ['examples', 'coverage', 'fuzzing', 'stateful'] as const;
const MAX_EXAMPLES = 200;
/** Operations that take input (a body or parameters) get at least this many cases. */
const MIN_CASES_WITH_INPUT = 200;
const RUN_TIMEOUT_MS = 360_000;

type OpenApi = {
  paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>>;
};

function operationsOf(document: OpenApi): Array<{ name: string; takesInput: boolean }> {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      takesInput: (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined,
    })),
  );
}

function summary(runtime: string, fuzz: FuzzRun, operations: readonly string[]): string {
  const total = [...fuzz.casesPerOperation.values()].reduce((sum, n) => sum + n, 0);
  const failures = [...fuzz.failuresPerCheck].map(([check, n]) => `${check}: ${n}`).join(', ');
  const probes = [...fuzz.casesPerOperation]
    .filter(([name]) => !operations.includes(name))
    .reduce((sum, [, n]) => sum + n, 0);
  const seed = /^Seed: (\d+)/m.exec(fuzz.output)?.[1] ?? 'unknown';
  const links = /API Links:\s+(.+)$/m.exec(fuzz.output)?.[1] ?? 'none';
  return [
    `schemathesis on the ${runtime} app (seed ${seed}):`,
    `  ${operations.length} operations, ${total} cases, ${fuzz.statefulScenarios} stateful scenarios (API links: ${links}), failed checks: ${failures || 'none'}`,
    ...operations.map((name) => `  ${name}: ${fuzz.casesPerOperation.get(name) ?? 0} cases`),
    `  undeclared methods probed: ${probes} cases`,
  ].join('\n');
}

describe('schemathesis fuzzes each app from its own OpenAPI (all phases, stateful included)', () => {
  it.concurrent.each(TARGETS)(
    '%s: no server error, no response off its schema, no valid body refused, no invalid one accepted',
    async (runtime) => {
      const target = await startTarget(runtime);
      try {
        const schemaUrl = `${target.url}/docs-json`;
        const operations = operationsOf((await getJson<OpenApi>(schemaUrl)).body);
        const fuzz = await runSchemathesis({
          schemaUrl,
          checks: CHECKS,
          phases: PHASES,
          maxExamples: MAX_EXAMPLES,
          timeoutMs: RUN_TIMEOUT_MS,
        });
        console.log(
          summary(
            runtime,
            fuzz,
            operations.map((op) => op.name),
          ),
        );
        expect(fuzz.exitCode, fuzz.output).toBe(0);
        expect([...fuzz.failuresPerCheck], fuzz.output).toEqual([]);
        expect(fuzz.statefulScenarios, fuzz.output).toBeGreaterThan(0);
        for (const operation of operations) {
          const cases = fuzz.casesPerOperation.get(operation.name) ?? 0;
          expect(cases, operation.name).toBeGreaterThanOrEqual(
            operation.takesInput ? MIN_CASES_WITH_INPUT : 1,
          );
        }
      } finally {
        await target.stop();
      }
    },
    RUN_TIMEOUT_MS + 60_000,
  );
});
