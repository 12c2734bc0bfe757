// A process that installs the kill-signal handler and reports its mode when the signal comes
// (used by engine.test.ts to drive `tachyon kill <pid>` end to end).
import { RiskEngine, installKillSignal } from '../../src/index.js';

const r = new RiskEngine({ venues: [{ name: 'v' }], instruments: [] });
installKillSignal(r, {
  onKill: () => {
    console.log(`MODE ${r.mode}`);
    process.exit(0);
  },
});
console.log('READY');
setTimeout(() => process.exit(2), 10_000);
