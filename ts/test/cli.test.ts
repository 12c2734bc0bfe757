// End to end: the CLI's main job runs, streams into Rust, reports nothing lost, exits 0.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

it('`tachyon start` runs the demo and verifies the stream', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'start', '--duration', '1', '--rate', '200000', '--seed', '7'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/nothing lost/);
  const sent = /([\d,]+) events sent, ([\d,]+) consumed and accepted by Rust, 0 rejected/.exec(r.stdout);
  expect(sent).not.toBeNull();
  expect(sent![1]).toBe(sent![2]);
  expect(Number(sent![1]!.replaceAll(',', ''))).toBeGreaterThan(100_000);
});

it('`tachyon start` rejects a bad option with a clear message', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'start', '--rate', 'fast'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(/rate must be a number/);
});
