// The README's "Orders on the simulated venue" example must run as written and print what it
// claims (imports of 'tachyon' point at the source).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

it('README "Orders on the simulated venue" example runs and prints what it claims', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Orders on the simulated venue'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const dir = fileURLToPath(new URL('./.tmp-oms/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}readme-oms-example.ts`;
  writeFileSync(file, code!.replace(/from 'tachyon'/g, `from ${JSON.stringify(src)}`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(file);
    const [pos, kinds] = log.mock.calls.map((c) => c[0]);
    expect(pos).toMatchObject({ qty: '1.500', avgEntry: '100.01', unrealized: '0.28500' });
    expect(kinds).toEqual(['new 0.000', 'accepted 0.000', 'fill 1.500']);
  } finally {
    log.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
});
