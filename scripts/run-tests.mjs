// The one test command (npm test): setup (every tool), build, Vitest, then pytest for the FastAPI
// twin and for looplab-instrument; ends with one line "N passed, N failed, N skipped" over all.
// Extra arguments go to Vitest: `npm test -- lab/src/tools`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const ARTIFACTS = '.test-artifacts';
const VITEST_REPORT = `${ARTIFACTS}/vitest.json`;
const FASTAPI_DIR = 'target-fastapi';
/** Python suites, each with its own pyproject.toml, all run with the twin's venv. */
const PYTHON_SUITES = [FASTAPI_DIR, 'instrument/python'];
const FASTAPI_PYTHON = `${FASTAPI_DIR}/.venv/bin/python`;
/** pytest's exit code when it collected no tests: a broken suite, not a pass. */
const PYTEST_NO_TESTS = 5;

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `looplab needs Node 24 (found ${process.version}); run through npm so node_modules/.bin/node is used.`,
  );
  process.exit(1);
}

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;
const total = { passed: 0, failed: 0, skipped: 0 };

function finish() {
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(total.failed === 0 ? 0 : 1);
}

function stopEarly(message) {
  console.error(message);
  total.failed += 1;
  finish();
}

/** Vitest's JSON report; a file that fails to load counts as one failure (it has no tests to fail). */
function countVitest(status) {
  let result;
  try {
    result = JSON.parse(readFileSync(VITEST_REPORT, 'utf8'));
  } catch {
    console.error(`vitest wrote no report (${VITEST_REPORT}), exit code ${status}`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const brokenFiles = (result.testResults ?? []).filter(
    (file) =>
      file.status === 'failed' && !file.assertionResults?.some((t) => t.status === 'failed'),
  ).length;
  const counts = {
    passed: result.numPassedTests,
    failed: result.numFailedTests + brokenFiles,
    skipped: result.numPendingTests + result.numTodoTests,
  };
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

/** Sums the <testsuite tests= failures= errors= skipped=> attributes of pytest's JUnit XML. */
function countPytest(status, suite, report) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (status === PYTEST_NO_TESTS) {
    console.error(`pytest collected no tests in ${suite}/ (exit 5): that is a failure`);
    return { ...counts, failed: 1 };
  }
  let xml = '';
  try {
    xml = readFileSync(report, 'utf8');
  } catch {
    console.error(`pytest wrote no report (${report}), exit code ${status}`);
    return { ...counts, failed: 1 };
  }
  for (const [tag] of xml.matchAll(/<testsuite\b[^>]*>/g)) {
    const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(tag)?.[1] ?? 0);
    const failed = attr('failures') + attr('errors');
    counts.failed += failed;
    counts.skipped += attr('skipped');
    counts.passed += Math.max(0, attr('tests') - failed - attr('skipped'));
  }
  if (status !== 0 && counts.failed === 0) counts.failed = 1;
  return counts;
}

const add = (counts) => {
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
};

if (run(process.execPath, ['scripts/setup-tools.mjs']) !== 0) {
  stopEarly('setup failed: run the "to fix" command above, then `npm test` again');
}
if (run('npm', ['run', 'build']) !== 0) stopEarly('build failed');

mkdirSync(ARTIFACTS, { recursive: true });
rmSync(VITEST_REPORT, { force: true });
const vitestStatus = run('vitest', [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${VITEST_REPORT}`,
  ...process.argv.slice(2),
]);
add(countVitest(vitestStatus));

if (existsSync(FASTAPI_DIR)) {
  if (!existsSync(FASTAPI_PYTHON)) {
    console.error(`${FASTAPI_PYTHON} is missing: run \`npm run setup\` to create the venv`);
    total.failed += 1;
  } else {
    for (const suite of PYTHON_SUITES) {
      const report = `${ARTIFACTS}/pytest-${suite.replaceAll('/', '-')}.xml`;
      rmSync(report, { force: true });
      const status = run(FASTAPI_PYTHON, ['-m', 'pytest', suite, '-q', `--junitxml=${report}`]);
      add(countPytest(status, suite, report));
    }
  }
}
finish();
