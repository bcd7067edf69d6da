// Writes the generated metric table into docs/metrics.md (between its marker comments), from
// contract/data/metrics.json through the built contract package.
//
//   node contract/scripts/metrics-doc.mjs          rewrite the table
//   node contract/scripts/metrics-doc.mjs --check  exit 1 when the committed table is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import contract from '../dist/metrics-doc.js';

const docPath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'metrics.md');
const current = readFileSync(docPath, 'utf8');
const next = contract.withMetricsTable(current);

if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('docs/metrics.md: the metric table is stale; run `npm run docs -w contract`');
    process.exitCode = 1;
  }
} else if (next !== current) {
  writeFileSync(docPath, next);
  console.log('wrote docs/metrics.md');
} else {
  console.log('docs/metrics.md is up to date');
}
