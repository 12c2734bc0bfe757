// The generated N-API typings (native/index.d.ts, written by `napi build`) are snapshotted so
// every change to the addon's API shows up in review. After an intended change:
//   npx vitest run ts/test/api-snapshot.test.ts -u
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it('native/index.d.ts matches the reviewed API', async () => {
  const dts = readFileSync(new URL('../../native/index.d.ts', import.meta.url), 'utf8');
  await expect(dts).toMatchFileSnapshot('./__snapshots__/native-api.d.ts.snap');
});
