import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerReportCommand } from './report.js';

const root = mkdtempSync(join(tmpdir(), 'looplab-report-command-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `looplab report <args>` in this process; resolves, or rejects with what the CLI would print. */
async function report(...args: string[]): Promise<void> {
  const program = new Command().exitOverride();
  registerReportCommand(program);
  await program.parseAsync(['node', 'looplab', 'report', ...args, '--no-budgets']);
}

/** A folder holding files written by an older looplab (version 1: no cell coordinates). */
function oldFolder(files: Record<string, unknown>): string {
  const folder = mkdtempSync(join(root, 'old-'));
  mkdirSync(folder, { recursive: true });
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(folder, name), JSON.stringify(content));
  return folder;
}

const V1 = { schemaVersion: 1, config: { runId: 'old' }, runs: [] };
const WHAT_TO_DO = 'Run the comparison again (`npm run compare`';

describe('looplab report refuses files of another schema version, saying what to do', () => {
  it('an old raw.json', async () => {
    const folder = oldFolder({ 'raw.json': V1 });
    const attempt = report(folder);
    await expect(attempt).rejects.toThrow(
      `${join(folder, 'raw.json')} has schemaVersion 1, written by an older looplab; this one reads version 3.`,
    );
    await expect(report(folder)).rejects.toThrow(WHAT_TO_DO);
  });

  it('the same, named by its raw.json', async () => {
    const folder = oldFolder({ 'raw.json': V1 });
    await expect(report(join(folder, 'raw.json'))).rejects.toThrow(
      `${join(folder, 'raw.json')} has schemaVersion 1`,
    );
  });

  it('an old report.json with no raw.json beside it, named by the folder or the file', async () => {
    const folder = oldFolder({ 'report.json': { schemaVersion: 1, strategies: [] } });
    for (const given of [folder, join(folder, 'report.json')]) {
      const attempt = report(given);
      await expect(attempt).rejects.toThrow(
        `${join(folder, 'report.json')} has schemaVersion 1, written by an older looplab`,
      );
      await expect(report(given)).rejects.toThrow(WHAT_TO_DO);
    }
  });

  it('a current report.json alone: it is rebuilt from raw.json, which is missing', async () => {
    const folder = oldFolder({ 'report.json': { schemaVersion: 3 } });
    await expect(report(folder)).rejects.toThrow(
      `${join(folder, 'raw.json')} not found: ${join(folder, 'report.json')} is a finished report`,
    );
  });
});
