// The one test command (npm test): build, run every Vitest project, end with one summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `looplab needs Node 24 (found ${process.version}); run through npm so node_modules/.bin/node is used.`,
  );
  process.exit(1);
}

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

// The lab's end-to-end tests drive real load with vegeta: make sure the pinned build is there.
if (run(process.execPath, ['scripts/setup-tools.mjs']) !== 0) {
  console.error('could not set up the load generator (vegeta); see the message above');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (run('npm', ['run', 'build']) !== 0) {
  console.error('build failed');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

mkdirSync('.test-artifacts', { recursive: true });
const report = '.test-artifacts/vitest.json';
const status = run('vitest', [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0);
  skipped = result.numPendingTests + result.numTodoTests;
} catch {
  failed = Math.max(failed, 1);
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
