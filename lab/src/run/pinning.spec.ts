import { describe, expect, it } from 'vitest';
import { pinned } from '../process/taskset.js';
import { choosePinning, placementOf } from './pinning.js';

describe('choosePinning', () => {
  it('pins nothing on one core, even with taskset', () => {
    expect(choosePinning(1, true)).toEqual({ app: null, load: null });
  });

  it('pins nothing without taskset, whatever the core count', () => {
    for (let cores = 1; cores <= 8; cores++) {
      expect(choosePinning(cores, false)).toEqual({ app: null, load: null });
    }
  });

  it('gives the load generator the last core and the app every other one', () => {
    expect(choosePinning(2, true)).toEqual({ app: '0', load: '1' });
    expect(choosePinning(3, true)).toEqual({ app: '0-1', load: '2' });
    expect(choosePinning(4, true)).toEqual({ app: '0-2', load: '3' });
    expect(choosePinning(5, true)).toEqual({ app: '0-3', load: '4' });
    expect(choosePinning(6, true)).toEqual({ app: '0-4', load: '5' });
    expect(choosePinning(7, true)).toEqual({ app: '0-5', load: '6' });
    expect(choosePinning(8, true)).toEqual({ app: '0-6', load: '7' });
  });

  it('never puts the app and the load generator on the same core', () => {
    for (let cores = 2; cores <= 8; cores++) {
      const { app, load } = choosePinning(cores, true);
      const [from, to = from] = (app ?? '').split('-').map(Number);
      expect(Number(load)).toBe(cores - 1);
      expect(from).toBe(0);
      expect(to).toBe(cores - 2);
    }
  });

  it('uses this machine by default and returns a valid pair', () => {
    const { app, load } = choosePinning();
    expect(app === null).toBe(load === null);
    if (load !== null) expect(load).toMatch(/^\d+$/);
  });
});

describe('pinned', () => {
  it('leaves the command alone without a CPU list', () => {
    expect(pinned(null, 'node', ['dist/main.js', '--flag'])).toEqual([
      'node',
      ['dist/main.js', '--flag'],
    ]);
  });

  it('prefixes the command with taskset -c <cpus>', () => {
    expect(pinned('0-2', 'node', ['dist/main.js'])).toEqual([
      'taskset',
      ['-c', '0-2', 'node', 'dist/main.js'],
    ]);
    expect(pinned('3', '/usr/local/bin/vegeta', [])).toEqual([
      'taskset',
      ['-c', '3', '/usr/local/bin/vegeta'],
    ]);
  });

  it('does not change the arguments array it was given', () => {
    const args = ['a', 'b'];
    pinned('0', 'cmd', args);
    expect(args).toEqual(['a', 'b']);
  });
});

describe('placementOf: the event loop alone, everything off-loop with the load generator', () => {
  it('on 2 cores: the main thread on 0, the rest on 1', () => {
    expect(placementOf(choosePinning(2, true))).toEqual({
      mainThread: '0',
      offLoop: '1',
      load: '1',
    });
  });

  it('on more cores: the main thread on 0, the other app cores and the load core off-loop', () => {
    expect(placementOf(choosePinning(3, true))).toEqual({
      mainThread: '0',
      offLoop: '1,2',
      load: '2',
    });
    expect(placementOf(choosePinning(4, true))).toEqual({
      mainThread: '0',
      offLoop: '1-2,3',
      load: '3',
    });
  });

  it('places nothing when nothing is pinned', () => {
    expect(placementOf({ app: null, load: null })).toEqual({
      mainThread: null,
      offLoop: null,
      load: null,
    });
  });
});
