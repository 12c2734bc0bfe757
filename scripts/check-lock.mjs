#!/usr/bin/env node
// Verifies that `npm ci` accepts package-lock.json, in a scratch copy (no scripts run).
// The registry mirror here lacks the newest non-linux builds of some packages with per-platform
// binaries; npm then writes a lock that its own `npm ci` rejects ("Missing: … from lock file").
// Fix by pinning the package in package.json `overrides` to the newest version whose every
// platform package exists (see CONTRIBUTING.md "Dependencies").
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'tachyon-lock-'));
try {
  for (const f of ['package.json', 'package-lock.json']) cpSync(join(root, f), join(dir, f));
  cpSync(join(root, 'scripts', 'stubs'), join(dir, 'scripts', 'stubs'), { recursive: true });
  const r = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  const missing = (r.stderr.match(/Missing: .*/g) ?? []).slice(0, 10);
  if (r.status !== 0) {
    console.error(`check-lock: npm ci rejects package-lock.json\n  ${missing.join('\n  ') || r.stderr.split('\n').filter((l) => l.includes('error')).slice(0, 10).join('\n  ')}`);
    process.exit(1);
  }
  console.log('check-lock: npm ci accepts package-lock.json');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
