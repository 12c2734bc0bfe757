// The generated N-API typings (native/index.d.ts, written by `napi build`) are snapshotted so
// every change to the addon's API shows up in review. After an intended change:
//   npx vitest run ts/test/api-snapshot.test.ts -u
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it('native/index.d.ts matches the reviewed API', async () => {
  const dts = readFileSync(new URL('../../native/index.d.ts', import.meta.url), 'utf8');
  await expect(dts).toMatchFileSnapshot('./__snapshots__/native-api.d.ts.snap');
});

// The WebAssembly twin's typings (crates/wasm/pkg, written by `npm run build:wasm`), up to
// wasm-bindgen's loader types (`InitInput`, `InitOutput`: raw ABI signatures), so a change to
// the facade's exports shows up in review beside the addon's (ts/test/wasm-parity.test.ts
// checks that the two export the same kernel functions and behave alike).
it('crates/wasm/pkg/tachyon_wasm.d.ts matches the reviewed API', async () => {
  const dts = readFileSync(new URL('../../crates/wasm/pkg/tachyon_wasm.d.ts', import.meta.url), 'utf8');
  const end = dts.indexOf('\nexport type InitInput');
  expect(end, 'wasm-bindgen typings without InitInput').toBeGreaterThan(0);
  await expect(dts.slice(0, end + 1)).toMatchFileSnapshot('./__snapshots__/wasm-api.d.ts.snap');
});
