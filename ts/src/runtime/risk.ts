/**
 * The runtime's pre-trade gate and control modes: a thin adapter over the engine area's
 * `RiskEngine` (Rust: limits, control modes normal/pause/reduce/emergency, breakers, kill
 * switch). The runtime feeds it what it learns — fills, the mark of the instrument being
 * ordered, equity — and asks it before every order; refusals come back with the engine's
 * rejection code (`CONCENTRATION`, `MODE_PAUSE`, `POSITION_LIMIT`, …). Mode changes come from
 * the engine's own transition log, so what the journal records is what the engine did.
 *
 * Settings: `risk.engine` in the configuration is passed through as the engine's `limits`,
 * `breakers` and `control` options (see the engine's docs); `risk.maxPosition` becomes each
 * instrument's `maxPosition`; `risk.maxOrderNotional` becomes `limits.maxOrderNotional`;
 * the reset key for leaving emergency comes only from `TACHYON_RESET_KEY`.
 */
import type * as Native from '../../../native/index.js';
import type { TachyonConfig } from '../config/schema.js';
import { RISK_REJECTION_CODES, RiskEngine } from '../engine/risk.js';
import { TachyonError } from '../errors.js';

export type ControlMode = Native.ControlMode;
export type ControlAction = 'pause' | 'reduce' | 'resume' | 'kill';

export interface GateInstrument {
  symbol: string;
  tickSize: string;
  lotSize: string;
  minNotional?: string;
}

/**
 * The risk engine's options as the runtime derives them from the configuration (see the
 * module docs). `RiskGate` builds its engine from them; live trading gives them to the OMS
 * (`new Oms({ risk })`), whose gate is then this same engine.
 */
export function riskEngineOptions(config: TachyonConfig, venueName: string, instruments: readonly GateInstrument[], env: NodeJS.ProcessEnv = process.env): Native.RiskEngineOptions {
  const extra = (config.risk.engine ?? {}) as Partial<Pick<Native.RiskEngineOptions, 'limits' | 'breakers' | 'control'>>;
  const resetKey = env.TACHYON_RESET_KEY;
  return {
    venues: [{ name: venueName }],
    instruments: instruments.map((i) => ({
      symbol: i.symbol,
      tickSize: i.tickSize,
      lotSize: i.lotSize,
      ...(i.minNotional ? { minNotional: i.minNotional } : {}),
      venue: venueName,
      ...(config.risk.maxPosition ? { maxPosition: config.risk.maxPosition } : {}),
    })),
    limits: {
      maxOrders: config.risk.maxOrdersPerSec,
      rateWindowMs: 1000,
      ...(config.risk.maxOrderNotional ? { maxOrderNotional: config.risk.maxOrderNotional } : {}),
      ...(extra.limits ?? {}),
    },
    ...(extra.breakers ? { breakers: extra.breakers } : {}),
    control: { ...(extra.control ?? {}), ...(resetKey ? { resetKey } : {}) },
  };
}

export class RiskGate {
  readonly engine: RiskEngine;
  private readonly pow: number[];
  private lastSeq = 0;

  constructor(
    config: TachyonConfig,
    readonly venueName: string,
    instruments: readonly GateInstrument[],
    env: NodeJS.ProcessEnv = process.env,
  ) {
    try {
      this.engine = new RiskEngine(riskEngineOptions(config, venueName, instruments, env));
    } catch (e) {
      throw new TachyonError('ERR_CONFIG', `risk.engine: ${(e as Error).message}`, { cause: e });
    }
    this.pow = instruments.map((i) => 10 ** ((i.tickSize.split('.')[1] ?? '').length));
  }

  get mode(): ControlMode {
    return this.engine.mode;
  }

  /** Sets the account equity (a float, converted through its shortest decimal form). */
  setEquity(equity: number, nowNs?: bigint): void {
    if (Number.isFinite(equity) && equity > 0) this.engine.setEquity(equity.toFixed(8).replace(/\.?0+$/, ''), nowNs);
  }

  /**
   * Checks an order (mantissas at the instrument's scales); marks the instrument at `markPrice`
   * first. Returns a refusal or `null`.
   */
  check(instrument: number, buy: boolean, priceMantissa: number, qtyMantissa: number, markPrice: number, nowNs?: bigint): { code: string; message: string } | null {
    if (Number.isFinite(markPrice) && markPrice > 0) this.engine.mark(instrument, markPrice.toFixed(Math.round(Math.log10(this.pow[instrument] ?? 100))));
    const r = this.engine.checkMantissa(instrument, buy, priceMantissa, qtyMantissa, nowNs);
    if (r < 0) return null;
    const code = RISK_REJECTION_CODES[r] ?? 'RISK';
    return { code, message: `refused by the risk engine: ${code} (mode ${this.engine.mode})` };
  }

  /** Books a fill into the engine's portfolio state. */
  onFill(instrument: number, side: 'buy' | 'sell', qty: string, price: string): void {
    this.engine.applyFill(instrument, side, qty, price);
  }

  /** Requests a mode change; returns the transition, or `null` if already there. */
  request(action: ControlAction, reason: string, source: Native.ControlSource = 'api'): Native.TransitionRecord | null {
    switch (action) {
      case 'pause':
        return this.engine.pause(reason, source);
      case 'reduce':
        return this.engine.reduce(reason, source);
      case 'resume':
        return this.engine.resume(reason, source);
      case 'kill':
        return this.engine.kill(reason, source);
    }
  }

  /** Transitions since the last call (for the journal). */
  newTransitions(): Native.TransitionRecord[] {
    const t = this.engine.transitions(this.lastSeq);
    if (t.length > 0) this.lastSeq = t[t.length - 1]!.seq;
    return t;
  }

  /** Every transition after `seq`. */
  transitions(afterSeq = 0): Native.TransitionRecord[] {
    return this.engine.transitions(afterSeq);
  }

  /** The orders that close every position (emergency). */
  flattenOrders(): Native.FlattenOrder[] {
    return this.engine.flattenOrders();
  }
}
