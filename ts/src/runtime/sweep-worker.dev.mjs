// Development bootstrap of the sweep worker: when Tachyon runs from its TypeScript sources
// (tests, `node --import tsx`), worker threads do not inherit the TypeScript loader on Node 20,
// so the worker registers it itself. The published build uses sweep-worker.js directly.
import { register } from 'tsx/esm/api';

register();
const m = await import('./sweep-worker.ts');
export default m.default;
