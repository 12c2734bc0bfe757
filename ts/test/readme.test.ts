// The README's library example must run as written (imports of 'tachyon' point at the source).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

it('README "Use it as a library" example runs and prints what it claims', async () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Use it as a library'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toBeDefined();
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const dir = fileURLToPath(new URL('./.tmp/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}readme-example.ts`;
  writeFileSync(file, code!.replace(/from 'tachyon'/g, `from ${JSON.stringify(src)}`));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await import(file);
    const printed = log.mock.calls.at(-1)?.[0] as { received: number; accepted: number; seqMissing: number };
    expect(printed).toMatchObject({ received: 1, accepted: 1, seqMissing: 0 });
  } finally {
    log.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
});
