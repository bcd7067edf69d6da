import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameResolver } from './frames.js';

const SOURCE = `// a comment line
export function burnCpu(ms: number): number {
  const end: number = performance.now() + ms;
  let x = 1;
  while (performance.now() < end) x ^= x << 13;
  return x;
}
`;

describe('frames of compiled JavaScript point at their TypeScript source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'looplab-frames-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const compile = (inlineSourceMap: boolean) => {
    const name = inlineSourceMap ? 'inline' : 'separate';
    const output = ts.transpileModule(SOURCE, {
      fileName: `${name}.ts`,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        sourceMap: !inlineSourceMap,
        inlineSourceMap,
      },
    });
    const js = join(dir, `${name}.js`);
    writeFileSync(js, output.outputText);
    if (output.sourceMapText) writeFileSync(`${js}.map`, output.sourceMapText);
    const line0 = output.outputText.split('\n').findIndex((l) => l.includes('function burnCpu'));
    return { js, line0 };
  };

  it.each([false, true])('through a source map (inline: %s)', (inline) => {
    const { js, line0 } = compile(inline);
    const resolved = new FrameResolver().resolve({
      functionName: 'burnCpu',
      scriptId: '1',
      url: pathToFileURL(js).href,
      lineNumber: line0,
      columnNumber: 9,
    });
    expect(resolved).toMatchObject({
      function: 'burnCpu',
      file: join(dir, `${inline ? 'inline' : 'separate'}.ts`),
      line: 2,
    });
  });

  it('keeps the compiled position when there is no map, and node: internals as they are', () => {
    const plain = join(dir, 'plain.js');
    writeFileSync(plain, 'function f() {}\n');
    const resolver = new FrameResolver();
    expect(
      resolver.resolve({
        functionName: '',
        scriptId: '2',
        url: pathToFileURL(plain).href,
        lineNumber: 0,
        columnNumber: 0,
      }),
    ).toEqual({ function: '(anonymous)', file: plain, line: 1, column: 1 });
    expect(
      resolver.resolve({
        functionName: 'pbkdf2Sync',
        scriptId: '3',
        url: 'node:internal/crypto/pbkdf2',
        lineNumber: 66,
        columnNumber: 19,
      }),
    ).toEqual({
      function: 'pbkdf2Sync',
      file: 'node:internal/crypto/pbkdf2',
      line: 67,
      column: 20,
    });
  });
});
