// Records test/fixtures/burn-sleep.cpuprofile.json: a CPU profile of 60 ms of burnCpu, then a
// 40 ms sleepFor, with the two windows measured on the profile's clock. Rerun only to refresh it.
const { writeFileSync } = require('node:fs');
const { console: inspectorConsole, Session } = require('node:inspector');
const { join } = require('node:path');

const session = new Session();
session.connect();
let profile;
session.on('Profiler.consoleProfileFinished', (message) => {
  profile = message.params.profile;
});
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 2000 });
const nowUs = () => {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1e3;
};
function burnCpu(ms) {
  const end = performance.now() + ms;
  let x = 1;
  while (performance.now() < end) x ^= x << 13;
  return x;
}
const cell = new Int32Array(new SharedArrayBuffer(4));
function sleepFor(ms) {
  Atomics.wait(cell, 0, 0, ms);
}
inspectorConsole.profile('fixture');
const burnStart = nowUs();
burnCpu(60);
const burnEnd = nowUs();
sleepFor(40);
const sleepEnd = nowUs();
inspectorConsole.profileEnd('fixture');
// Keep only what the fold reads, with file paths made machine-independent.
const nodes = profile.nodes.map(({ id, callFrame, children }) => ({
  id,
  callFrame: { ...callFrame, url: callFrame.url.replace(/^file:\/\/.*\//, 'file:///app/') },
  ...(children ? { children } : {}),
}));
const fixture = {
  windows: {
    burn: { startUs: burnStart, endUs: burnEnd },
    sleep: { startUs: burnEnd, endUs: sleepEnd },
  },
  profile: { ...profile, nodes },
};
writeFileSync(
  join(__dirname, '..', 'test', 'fixtures', 'burn-sleep.cpuprofile.json'),
  `${JSON.stringify(fixture)}\n`,
);
