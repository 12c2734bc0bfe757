/**
 * The engine area: decisions, pre-trade risk, control modes and the kill switch, VaR/CVaR and
 * sizing.
 */
export * from './decision.js';
export * from './risk.js';
export * from './killswitch.js';
export * from './var.js';
