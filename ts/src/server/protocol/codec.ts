/**
 * Encoding and decoding of the binary WebSocket protocol (schema: `tachyon.fbs`, code generated
 * by `scripts/gen-flatbuffers.mjs`).
 *
 * Server side (hot path): {@link FrameDecoder} copies the frame into a buffer it owns and checks
 * its structure before anything is read (the FlatBuffers JS runtime has no verifier: a bad
 * offset would silently read zeros or throw a `RangeError`), then exposes the request's vectors
 * as indexes into long-lived typed-array views; {@link FrameEncoder} writes answers directly in
 * the wire layout into one reused buffer. A decision request allocates nothing past the view of
 * the socket's message (bench/BENCHMARKS.md, "Decision server").
 *
 * Client side: {@link encodeDecisionRequest}, {@link encodeMarketEvents},
 * {@link encodeSubscribe}, {@link encodePing} and {@link decodeFrame} (plain objects).
 *
 * @example
 * ```ts
 * import { encodeDecisionRequest, decodeFrame } from 'tachyon';
 * ws.send(encodeDecisionRequest({ requestId: 7, instruments: [0, 1], nFeatures: 3,
 *   features: [0.5, -1, 2, 1.5, 0.2, 0.4] }));
 * ws.on('message', (data) => {
 *   const m = decodeFrame(new Uint8Array(data));
 *   if (m.type === 'DecisionResponse') console.log(m.requestId, m.actions, m.scores);
 * });
 * ```
 */
import * as flatbuffers from 'flatbuffers';
import {
  DecisionRequest,
  DecisionResponse,
  Envelope,
  Error as WireError,
  ErrorCode,
  MarketEvents,
  OrderEvent,
  Payload,
  Ping,
  Pong,
  Status,
  Subscribe,
  ControlMode,
} from './generated/tachyon.js';

export { ErrorCode, Payload, ControlMode, Topic, OrderStatus, EventKind as WireEventKind } from './generated/tachyon.js';

// Typed-array views of frame vectors and the direct encoder assume a little-endian host (the
// FlatBuffers wire order); every target Tachyon builds for is.
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new globalThis.Error('tachyon: the decision protocol needs a little-endian host');

/** The 4-byte file identifier every frame carries (FlatBuffers `file_identifier`). */
export const FILE_IDENTIFIER = 'TCHN';

/** Bytes per market event record (the core event-stream layout). */
export const MARKET_EVENT_BYTES = 48;

const MODE_CODE: Record<string, ControlMode> = {
  normal: ControlMode.Normal,
  pause: ControlMode.Pause,
  reduce: ControlMode.Reduce,
  emergency: ControlMode.Emergency,
};
const MODE_NAME = ['normal', 'pause', 'reduce', 'emergency'] as const;

/** Wire code of a mode name (unknown names map to `Emergency`: never look safer than we are). */
export function modeCode(mode: string): ControlMode {
  return MODE_CODE[mode.toLowerCase()] ?? ControlMode.Emergency;
}

/** Why a frame was refused. */
export class FrameError extends globalThis.Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// vtable slots (4 + 2 × field index) of the fields the decoder reads.
const ENV_REQUEST_ID = 4;
const ENV_PAYLOAD_TYPE = 6;
const ENV_PAYLOAD = 8;
const REQ_INSTRUMENTS = 4;
const REQ_N_FEATURES = 6;
const REQ_FEATURES = 8;
const REQ_CLIENT_TS = 10;
const EVENTS_EVENTS = 4;
const SUB_TOPICS = 4;

/** A decoded decision request: views into the frame, valid until the frame's buffer is reused. */
export interface DecodedDecision {
  instruments: Uint32Array;
  nFeatures: number;
  features: Float64Array;
  /** `client_ts_ns` as two 32-bit words (echoed back as is). */
  clientTsLo: number;
  clientTsHi: number;
}

/** A 64-bit value from two 32-bit words. */
export const u64 = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** Frames are copied into a decoder-owned buffer of this size at first, doubled as needed. */
const SCRATCH_BYTES = 64 * 1024;

/**
 * Server-side frame decoder. One instance per server; `open` copies the frame into a buffer the
 * decoder owns (one `memcpy`), so the frame's vectors are 8-aligned and readable through
 * long-lived typed-array views: decoding a DecisionRequest allocates nothing. It checks the
 * structure before anything is read (the FlatBuffers JS runtime has no verifier: a bad offset
 * would silently read zeros or throw a `RangeError`). Results are valid until the next `open`.
 *
 * Hot path: {@link FrameDecoder.readDecision} leaves the request in fields
 * ({@link FrameDecoder.rows}, {@link FrameDecoder.featureStart} into {@link FrameDecoder.f64},
 * {@link FrameDecoder.instrumentStart} into {@link FrameDecoder.u32}, …);
 * {@link FrameDecoder.decision} returns the same as an object of views (convenient, allocates).
 */
export class FrameDecoder {
  private buf = new ArrayBuffer(SCRATCH_BYTES);
  private u8 = new Uint8Array(this.buf);
  private dv = new DataView(this.buf);
  /** The frame's bytes as float64 (valid until the next `open`). */
  f64 = new Float64Array(this.buf);
  /** The frame's bytes as uint32 (valid until the next `open`). */
  u32 = new Uint32Array(this.buf);
  private len = 0;
  private payloadPos = 0;
  /** Low and high 32-bit words of the last frame's request id (0 when unreadable). */
  idLo = 0;
  idHi = 0;
  /** After {@link FrameDecoder.readDecision}: instruments in the request. */
  rows = 0;
  /** After {@link FrameDecoder.readDecision}: features per instrument. */
  nFeatures = 0;
  /** After {@link FrameDecoder.readDecision}: index of the first feature in {@link FrameDecoder.f64}. */
  featureStart = 0;
  /** After {@link FrameDecoder.readDecision}: index of the first instrument id in {@link FrameDecoder.u32}. */
  instrumentStart = 0;
  /** After {@link FrameDecoder.readDecision}: `client_ts_ns` as two 32-bit words (echoed back as is). */
  clientTsLo = 0;
  clientTsHi = 0;

  /** Request id of the last frame (0 when unreadable). */
  get requestId(): bigint {
    return (BigInt(this.idHi >>> 0) << 32n) | BigInt(this.idLo >>> 0);
  }

  constructor(private readonly maxBatch: number) {}

  /** uint16 at `pos` (little-endian). */
  private r16(pos: number): number {
    return this.dv.getUint16(pos, true);
  }

  /** uint32 at `pos` (little-endian). */
  private r32(pos: number): number {
    return this.dv.getUint32(pos, true);
  }

  /** Checks that the table at `pos` and its vtable lie inside the frame. */
  private tableOk(pos: number): boolean {
    const len = this.len;
    if (pos < 0 || pos + 4 > len || (pos & 3) !== 0) return false;
    const vt = pos - this.dv.getInt32(pos, true);
    if (vt < 0 || vt + 4 > len || (vt & 1) !== 0) return false;
    const vtLen = this.r16(vt);
    const objLen = this.r16(vt + 2);
    return vtLen >= 4 && (vtLen & 1) === 0 && vt + vtLen <= len && objLen >= 4 && pos + objLen <= len;
  }

  /** Offset of field `slot` in the (checked) table at `pos`, or 0 if absent (FlatBuffers `__offset`). */
  private offset(pos: number, slot: number): number {
    const vt = pos - this.dv.getInt32(pos, true);
    return slot < this.r16(vt) ? this.r16(vt + slot) : 0;
  }

  /** Position of a scalar field of `size` bytes, or -1 if absent or outside the frame. */
  private scalarAt(pos: number, slot: number, size: number): number {
    const o = this.offset(pos, slot);
    return o !== 0 && pos + o + size <= this.len ? pos + o : -1;
  }

  /** Position of the vector in field `slot` of the table at `pos`, or -1 if absent; throws if out of bounds. */
  private vectorAt(pos: number, slot: number, elem: number, what: string): number {
    const len = this.len;
    const o = this.offset(pos, slot);
    if (o === 0) return -1;
    const field = pos + o;
    if (field + 4 > len) throw new FrameError(ErrorCode.Malformed, `${what}: offset out of bounds`);
    const vec = field + this.r32(field);
    if (vec + 4 > len) throw new FrameError(ErrorCode.Malformed, `${what}: vector out of bounds`);
    const n = this.r32(vec);
    if (vec + 4 + n * elem > len) throw new FrameError(ErrorCode.Malformed, `${what}: ${n} elements overrun the frame`);
    if (((vec + 4) & (Math.min(elem, 8) - 1)) !== 0) throw new FrameError(ErrorCode.Malformed, `${what}: misaligned vector`);
    return vec;
  }

  /**
   * Copies `frame` in and reads its envelope; returns the payload type. Throws
   * {@link FrameError} for anything structurally wrong.
   */
  open(frame: Uint8Array): Payload {
    this.reserve(frame.length).set(frame);
    return this.openCopied(frame.length);
  }

  /**
   * The decoder's buffer, grown to hold at least `len` bytes (it only grows): copy a frame of
   * `len` bytes to its start, then call {@link openCopied}. The server copies each message
   * there natively (`copyArrayBuffer`), without a JS view of uWS's `ArrayBuffer`.
   */
  reserve(len: number): Uint8Array {
    if (len > this.buf.byteLength) {
      this.buf = new ArrayBuffer(Math.max(len + 7, this.buf.byteLength * 2) & ~7);
      this.u8 = new Uint8Array(this.buf);
      this.dv = new DataView(this.buf);
      this.f64 = new Float64Array(this.buf);
      this.u32 = new Uint32Array(this.buf);
    }
    return this.u8;
  }

  /** {@link open} for a frame of `len` bytes already copied to the start of {@link reserve}'s buffer. */
  openCopied(len: number): Payload {
    this.idLo = 0;
    this.idHi = 0;
    this.len = 0;
    if (len < 12) throw new FrameError(ErrorCode.Malformed, `frame of ${len} bytes is too short for an Envelope`);
    if (len > this.buf.byteLength) throw new FrameError(ErrorCode.Malformed, `frame of ${len} bytes is larger than the ${this.buf.byteLength} reserved`);
    this.len = len;
    const u8 = this.u8;
    // file identifier "TCHN" at bytes 4..8
    if (u8[4] !== 0x54 || u8[5] !== 0x43 || u8[6] !== 0x48 || u8[7] !== 0x4e)
      throw new FrameError(ErrorCode.Malformed, 'not a Tachyon frame (file identifier is not "TCHN")');
    const root = this.r32(0);
    if (!this.tableOk(root)) throw new FrameError(ErrorCode.Malformed, 'Envelope table out of bounds');
    const idAt = this.scalarAt(root, ENV_REQUEST_ID, 8);
    if (idAt >= 0) {
      // Two words, no BigInt on the hot path.
      this.idLo = this.r32(idAt);
      this.idHi = this.r32(idAt + 4);
    }
    const typeAt = this.scalarAt(root, ENV_PAYLOAD_TYPE, 1);
    const type: Payload = typeAt >= 0 ? u8[typeAt]! : Payload.NONE;
    const o = this.offset(root, ENV_PAYLOAD);
    if (type === Payload.NONE || o === 0) throw new FrameError(ErrorCode.Malformed, 'Envelope has no payload');
    if (type > Payload.Error) throw new FrameError(ErrorCode.UnknownMessage, `unknown message type ${type}`);
    if (root + o + 4 > len) throw new FrameError(ErrorCode.Malformed, 'payload offset out of bounds');
    const p = root + o + this.r32(root + o);
    if (!this.tableOk(p)) throw new FrameError(ErrorCode.Malformed, `${Payload[type]} table out of bounds`);
    this.payloadPos = p;
    return type;
  }

  /**
   * Validates the open frame's DecisionRequest (dimensions, batch size) and leaves it in
   * {@link FrameDecoder.rows}, {@link FrameDecoder.nFeatures}, {@link FrameDecoder.featureStart},
   * {@link FrameDecoder.instrumentStart} and the client timestamp words. Allocates nothing.
   */
  readDecision(): void {
    const p = this.payloadPos;
    const iv = this.vectorAt(p, REQ_INSTRUMENTS, 4, 'instruments');
    const fv = this.vectorAt(p, REQ_FEATURES, 8, 'features');
    const rows = iv < 0 ? 0 : this.r32(iv);
    const nfAt = this.scalarAt(p, REQ_N_FEATURES, 2);
    const nf = nfAt < 0 ? 0 : this.r16(nfAt);
    const nfv = fv < 0 ? 0 : this.r32(fv);
    if (rows === 0) throw new FrameError(ErrorCode.BadDimensions, 'DecisionRequest has no instruments');
    if (rows > this.maxBatch) throw new FrameError(ErrorCode.BatchTooLarge, `${rows} instruments in one request; the limit is ${this.maxBatch}`);
    if (nf === 0 || nfv !== rows * nf)
      throw new FrameError(ErrorCode.BadDimensions, `features has ${nfv} values; ${rows} instruments × ${nf} features needs ${rows * nf}`);
    const ts = this.scalarAt(p, REQ_CLIENT_TS, 8);
    this.rows = rows;
    this.nFeatures = nf;
    this.featureStart = (fv + 4) >>> 3;
    this.instrumentStart = (iv + 4) >>> 2;
    this.clientTsLo = ts >= 0 ? this.r32(ts) : 0;
    this.clientTsHi = ts >= 0 ? this.r32(ts + 4) : 0;
  }

  /** The open frame's DecisionRequest, validated, as views into the decoder's copy of the frame. */
  decision(): DecodedDecision {
    this.readDecision();
    return {
      instruments: this.u32.subarray(this.instrumentStart, this.instrumentStart + this.rows),
      nFeatures: this.nFeatures,
      features: this.f64.subarray(this.featureStart, this.featureStart + this.rows * this.nFeatures),
      clientTsLo: this.clientTsLo,
      clientTsHi: this.clientTsHi,
    };
  }

  /** The open frame's MarketEvents as 48-byte records (a view into the decoder's copy of the frame). */
  marketEvents(): { records: Uint8Array; count: number } {
    const v = this.vectorAt(this.payloadPos, EVENTS_EVENTS, MARKET_EVENT_BYTES, 'events');
    if (v < 0) return { records: new Uint8Array(0), count: 0 };
    const n = this.r32(v);
    return { records: this.u8.subarray(v + 4, v + 4 + n * MARKET_EVENT_BYTES), count: n };
  }

  /** The open frame's Subscribe topic bits. */
  topics(): number {
    const at = this.scalarAt(this.payloadPos, SUB_TOPICS, 1);
    return at < 0 ? 0 : this.u8[at]!;
  }
}

/** Columns of one decided batch, as the encoder reads them. */
export interface DecisionOut {
  actions: Uint8Array;
  scores: Float64Array;
  confidence: Float64Array;
  clamps: Uint8Array;
  reasons: Uint8Array;
}

/**
 * Server-side encoder: one reusable builder. Each `encode*` returns a view into the builder
 * that is valid until the next call (send it before encoding again).
 */
export class FrameEncoder {
  private readonly b = new flatbuffers.Builder(1024);

  private finish(requestId: bigint, type: Payload, payload: flatbuffers.Offset): Uint8Array {
    const b = this.b;
    Envelope.startEnvelope(b);
    Envelope.addRequestId(b, requestId);
    Envelope.addPayloadType(b, type);
    Envelope.addPayload(b, payload);
    b.finish(Envelope.endEnvelope(b), FILE_IDENTIFIER);
    return b.asUint8Array();
  }

  private out = new ArrayBuffer(4096);
  private u8 = new Uint8Array(this.out);
  private dv = new DataView(this.out);
  private f64 = new Float64Array(this.out);
  private u32 = new Uint32Array(this.out);
  /** Answer views by row count (the frame length is a function of it), so sending allocates nothing. */
  private views: (Uint8Array | undefined)[] = [];

  /**
   * A DecisionResponse for `rows` instruments, written directly in the FlatBuffers wire layout
   * (front to back: root offset, identifier, Envelope vtable + table, DecisionResponse vtable +
   * table, then the vectors). The layout is fixed, so this is a handful of stores and six
   * typed-array copies instead of the builder's per-element calls; ids and timestamps are copied
   * as 32-bit words (no BigInt). `ts/test/server-protocol.test.ts` checks that the generated
   * code reads back exactly what {@link FrameEncoder.decisionWithBuilder} writes.
   *
   * The instrument ids are `instruments[instrumentStart … instrumentStart + rows)` (the decoder's
   * {@link FrameDecoder.u32} view and {@link FrameDecoder.instrumentStart} on the server). With
   * output columns of exactly `rows` entries this allocates nothing: the vectors are copied
   * through long-lived views, and the returned view is cached per row count.
   */
  decision(
    idLo: number,
    idHi: number,
    instruments: Uint32Array,
    rows: number,
    out: DecisionOut,
    mode: number,
    tsLo: number,
    tsHi: number,
    serverNs: number,
    instrumentStart = 0,
  ): Uint8Array {
    const n = rows;
    const SC = 116; // scores vector (length word; data 8-aligned at 120)
    const CF = 124 + 8 * n; // confidence vector (data at 128 + 8n)
    const IN = 128 + 16 * n; // instruments
    const AC = 132 + 20 * n; // actions
    const CL = (AC + 4 + n + 3) & ~3; // clamps
    const RE = (CL + 4 + n + 3) & ~3; // reasons
    const end = (RE + 4 + n + 7) & ~7;
    if (end > this.out.byteLength) {
      this.out = new ArrayBuffer(Math.max(end, this.out.byteLength * 2));
      this.u8 = new Uint8Array(this.out);
      this.dv = new DataView(this.out);
      this.f64 = new Float64Array(this.out);
      this.u32 = new Uint32Array(this.out);
      this.views = [];
    }
    const dv = this.dv;
    const u8 = this.u8;
    u8.fill(0, 0, 116);
    // root → Envelope table at 24; file identifier
    dv.setUint32(0, 24, true);
    u8[4] = 0x54; // T
    u8[5] = 0x43; // C
    u8[6] = 0x48; // H
    u8[7] = 0x4e; // N
    // Envelope vtable at 8: size 10, object 20; request_id @8, payload_type @16, payload @4
    dv.setUint16(8, 10, true);
    dv.setUint16(10, 20, true);
    dv.setUint16(12, 8, true);
    dv.setUint16(14, 16, true);
    dv.setUint16(16, 4, true);
    // Envelope table at 24
    dv.setInt32(24, 24 - 8, true);
    dv.setUint32(28, 72 - 28, true);
    dv.setUint32(32, idLo, true);
    dv.setUint32(36, idHi, true);
    u8[40] = Payload.DecisionResponse;
    // DecisionResponse vtable at 44: size 22, object 44
    dv.setUint16(44, 22, true);
    dv.setUint16(46, 44, true);
    dv.setUint16(48, 4, true); // instruments
    dv.setUint16(50, 16, true); // actions
    dv.setUint16(52, 20, true); // scores
    dv.setUint16(54, 24, true); // confidence
    dv.setUint16(56, 28, true); // clamps
    dv.setUint16(58, 32, true); // reasons
    dv.setUint16(60, 40, true); // mode
    dv.setUint16(62, 8, true); // client_ts_ns
    dv.setUint16(64, 36, true); // server_ns
    // DecisionResponse table at 72
    dv.setInt32(72, 72 - 44, true);
    dv.setUint32(76, IN - 76, true);
    dv.setUint32(80, tsLo, true);
    dv.setUint32(84, tsHi, true);
    dv.setUint32(88, AC - 88, true);
    dv.setUint32(92, SC - 92, true);
    dv.setUint32(96, CF - 96, true);
    dv.setUint32(100, CL - 100, true);
    dv.setUint32(104, RE - 104, true);
    dv.setUint32(108, serverNs >>> 0, true);
    u8[112] = mode;
    // vectors: length word, then the elements (little-endian hosts: typed-array copies)
    // (SC + 4, CF + 4 are 8-aligned and IN + 4 is 4-aligned by construction.)
    dv.setUint32(SC, n, true);
    this.f64.set(out.scores.length === n ? out.scores : out.scores.subarray(0, n), (SC + 4) >>> 3);
    dv.setUint32(CF, n, true);
    this.f64.set(out.confidence.length === n ? out.confidence : out.confidence.subarray(0, n), (CF + 4) >>> 3);
    dv.setUint32(IN, n, true);
    const u32 = this.u32;
    const at = (IN + 4) >>> 2;
    if (instrumentStart === 0 && instruments.length === n) u32.set(instruments, at);
    else if (n <= 256) for (let i = 0; i < n; i++) u32[at + i] = instruments[instrumentStart + i]!;
    else u32.set(instruments.subarray(instrumentStart, instrumentStart + n), at);
    dv.setUint32(AC, n, true);
    u8.set(out.actions.length === n ? out.actions : out.actions.subarray(0, n), AC + 4);
    dv.setUint32(CL, n, true);
    u8.set(out.clamps.length === n ? out.clamps : out.clamps.subarray(0, n), CL + 4);
    dv.setUint32(RE, n, true);
    u8.set(out.reasons.length === n ? out.reasons : out.reasons.subarray(0, n), RE + 4);
    u8.fill(0, AC + 4 + n, CL);
    u8.fill(0, CL + 4 + n, RE);
    u8.fill(0, RE + 4 + n, end);
    if (n > 1024) return new Uint8Array(this.out, 0, end);
    return (this.views[n] ??= new Uint8Array(this.out, 0, end));
  }

  /** The same answer through the generated builder API: the reference for {@link FrameEncoder.decision}. */
  decisionWithBuilder(
    requestId: bigint,
    instruments: Uint32Array,
    rows: number,
    out: DecisionOut,
    mode: ControlMode,
    clientTsNs: bigint,
    serverNs: number,
  ): Uint8Array {
    const b = this.b;
    b.clear();
    b.startVector(8, rows, 8);
    for (let i = rows - 1; i >= 0; i--) b.addFloat64(out.confidence[i]!);
    const conf = b.endVector();
    b.startVector(8, rows, 8);
    for (let i = rows - 1; i >= 0; i--) b.addFloat64(out.scores[i]!);
    const scores = b.endVector();
    b.startVector(4, rows, 4);
    for (let i = rows - 1; i >= 0; i--) b.addInt32(instruments[i]!);
    const inst = b.endVector();
    b.startVector(1, rows, 1);
    for (let i = rows - 1; i >= 0; i--) b.addInt8(out.actions[i]!);
    const actions = b.endVector();
    b.startVector(1, rows, 1);
    for (let i = rows - 1; i >= 0; i--) b.addInt8(out.clamps[i]!);
    const clamps = b.endVector();
    b.startVector(1, rows, 1);
    for (let i = rows - 1; i >= 0; i--) b.addInt8(out.reasons[i]!);
    const reasons = b.endVector();
    DecisionResponse.startDecisionResponse(b);
    DecisionResponse.addInstruments(b, inst);
    DecisionResponse.addActions(b, actions);
    DecisionResponse.addScores(b, scores);
    DecisionResponse.addConfidence(b, conf);
    DecisionResponse.addClamps(b, clamps);
    DecisionResponse.addReasons(b, reasons);
    DecisionResponse.addMode(b, mode);
    DecisionResponse.addClientTsNs(b, clientTsNs);
    DecisionResponse.addServerNs(b, serverNs >>> 0);
    return this.finish(requestId, Payload.DecisionResponse, DecisionResponse.endDecisionResponse(b));
  }

  error(requestId: bigint, code: ErrorCode, message: string): Uint8Array {
    const b = this.b;
    b.clear();
    const msg = b.createString(message);
    return this.finish(requestId, Payload.Error, WireError.createError(b, code, msg));
  }

  pong(requestId: bigint, serverTsNs: bigint): Uint8Array {
    const b = this.b;
    b.clear();
    return this.finish(requestId, Payload.Pong, Pong.createPong(b, serverTsNs));
  }

  status(s: StatusInput): Uint8Array {
    const b = this.b;
    b.clear();
    const reason = b.createString(s.reason);
    const off = Status.createStatus(b, modeCode(s.mode), s.tsNs, BigInt(s.transitionSeq), reason, s.connections, BigInt(s.decisions));
    return this.finish(0n, Payload.Status, off);
  }

  /** MarketEvents from 48-byte records (`count` of them at the start of `records`). */
  marketEvents(records: Uint8Array, count: number): Uint8Array {
    return encodeMarketEventsInto(this.b, 0n, records, count);
  }

  orderEvent(e: OrderEventInput): Uint8Array {
    this.b.clear();
    return encodeOrderEventInto(this.b, e);
  }
}

export interface StatusInput {
  mode: string;
  tsNs: bigint;
  transitionSeq: number;
  reason: string;
  connections: number;
  decisions: number;
}

/** An order event pushed to subscribers of the `Orders` topic (mantissas at the instrument's scales). */
export interface OrderEventInput {
  clientOrderId: string;
  instrument: number;
  side: 'buy' | 'sell';
  status: 'new' | 'accepted' | 'partiallyFilled' | 'filled' | 'cancelled' | 'rejected' | 'expired';
  price: bigint;
  qty: bigint;
  filledQty: bigint;
  avgPrice: bigint;
  tsNs: bigint;
  reason?: string;
}

const ORDER_STATUS = ['new', 'accepted', 'partiallyFilled', 'filled', 'cancelled', 'rejected', 'expired'] as const;

function encodeOrderEventInto(b: flatbuffers.Builder, e: OrderEventInput): Uint8Array {
  const id = b.createString(e.clientOrderId);
  const reason = b.createString(e.reason ?? '');
  const st = ORDER_STATUS.indexOf(e.status);
  const off = OrderEvent.createOrderEvent(
    b,
    id,
    e.instrument >>> 0,
    e.side === 'buy' ? 1 : 2,
    st < 0 ? 0 : st,
    e.price,
    e.qty,
    e.filledQty,
    e.avgPrice,
    e.tsNs,
    reason,
  );
  Envelope.startEnvelope(b);
  Envelope.addRequestId(b, 0n);
  Envelope.addPayloadType(b, Payload.OrderEvent);
  Envelope.addPayload(b, off);
  b.finish(Envelope.endEnvelope(b), FILE_IDENTIFIER);
  return b.asUint8Array();
}

function encodeMarketEventsInto(b: flatbuffers.Builder, requestId: bigint, records: Uint8Array, count: number): Uint8Array {
  b.clear();
  // A vector of 48-byte structs: reserve and copy the records in one go (they are already in
  // the wire layout, little-endian).
  b.startVector(MARKET_EVENT_BYTES, count, 8);
  const bytes = count * MARKET_EVENT_BYTES;
  for (let i = bytes - 1; i >= 0; i--) b.writeInt8(records[i]!);
  const vec = b.endVector();
  const ev = MarketEvents.createMarketEvents(b, vec);
  Envelope.startEnvelope(b);
  Envelope.addRequestId(b, requestId);
  Envelope.addPayloadType(b, Payload.MarketEvents);
  Envelope.addPayload(b, ev);
  b.finish(Envelope.endEnvelope(b), FILE_IDENTIFIER);
  return b.asUint8Array();
}

// ---------------------------------------------------------------------------------------------
// Client helpers (allocate; fine off the hot path and in tests).

/** A decision request as a client writes it. */
export interface DecisionRequestInput {
  requestId: bigint | number;
  instruments: ArrayLike<number>;
  nFeatures: number;
  /** Row-major, `instruments.length × nFeatures`. */
  features: ArrayLike<number>;
  clientTsNs?: bigint;
}

/** Encodes a decision request frame (a fresh `Uint8Array`). */
export function encodeDecisionRequest(r: DecisionRequestInput): Uint8Array {
  const b = new flatbuffers.Builder(64 + r.features.length * 8 + r.instruments.length * 4);
  b.startVector(8, r.features.length, 8);
  for (let i = r.features.length - 1; i >= 0; i--) b.addFloat64(r.features[i]!);
  const f = b.endVector();
  b.startVector(4, r.instruments.length, 4);
  for (let i = r.instruments.length - 1; i >= 0; i--) b.addInt32(r.instruments[i]!);
  const inst = b.endVector();
  const req = DecisionRequest.createDecisionRequest(b, inst, r.nFeatures, f, r.clientTsNs ?? 0n);
  return envelope(b, BigInt(r.requestId), Payload.DecisionRequest, req);
}

/** Encodes MarketEvents from 48-byte records (the core event-stream layout). */
export function encodeMarketEvents(requestId: bigint | number, records: Uint8Array, count = records.length / MARKET_EVENT_BYTES): Uint8Array {
  return encodeMarketEventsInto(new flatbuffers.Builder(64 + count * MARKET_EVENT_BYTES), BigInt(requestId), records, count).slice();
}

/** Encodes a Subscribe for the `Topic` bits (Status 1, Market 2, Orders 4). */
export function encodeSubscribe(requestId: bigint | number, topics: number): Uint8Array {
  const b = new flatbuffers.Builder(64);
  return envelope(b, BigInt(requestId), Payload.Subscribe, Subscribe.createSubscribe(b, topics));
}

/** Encodes a Ping; the server answers with a Pong carrying the same request id. */
export function encodePing(requestId: bigint | number): Uint8Array {
  const b = new flatbuffers.Builder(32);
  Ping.startPing(b);
  return envelope(b, BigInt(requestId), Payload.Ping, Ping.endPing(b));
}

function envelope(b: flatbuffers.Builder, requestId: bigint, type: Payload, payload: flatbuffers.Offset): Uint8Array {
  Envelope.startEnvelope(b);
  Envelope.addRequestId(b, requestId);
  Envelope.addPayloadType(b, type);
  Envelope.addPayload(b, payload);
  b.finish(Envelope.endEnvelope(b), FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** A decoded frame, as plain data. */
export type Frame =
  | {
      type: 'DecisionResponse';
      requestId: bigint;
      instruments: number[];
      actions: number[];
      scores: number[];
      confidence: number[];
      clamps: number[];
      reasons: number[];
      mode: (typeof MODE_NAME)[number];
      clientTsNs: bigint;
      serverNs: number;
    }
  | { type: 'Error'; requestId: bigint; code: ErrorCode; codeName: string; message: string }
  | { type: 'Pong'; requestId: bigint; serverTsNs: bigint }
  | {
      type: 'Status';
      requestId: bigint;
      mode: (typeof MODE_NAME)[number];
      tsNs: bigint;
      transitionSeq: bigint;
      reason: string;
      connections: number;
      decisions: bigint;
    }
  | { type: 'MarketEvents'; requestId: bigint; records: Uint8Array; count: number }
  | {
      type: 'OrderEvent';
      requestId: bigint;
      clientOrderId: string;
      instrument: number;
      side: 'buy' | 'sell' | 'none';
      status: string;
      price: bigint;
      qty: bigint;
      filledQty: bigint;
      avgPrice: bigint;
      tsNs: bigint;
      reason: string;
    }
  | { type: 'DecisionRequest' | 'Subscribe' | 'Ping'; requestId: bigint };

const arr = <T>(n: number, at: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => at(i));

/**
 * Decodes any frame into plain data (client side; allocates). Throws {@link FrameError} for a
 * frame that is not a valid Tachyon envelope.
 */
export function decodeFrame(frame: Uint8Array): Frame {
  const d = new FrameDecoder(Number.MAX_SAFE_INTEGER);
  const type = d.open(frame);
  const bb = new flatbuffers.ByteBuffer(frame.byteOffset & 7 ? frame.slice() : frame);
  const env = Envelope.getRootAsEnvelope(bb);
  const requestId = env.requestId();
  switch (type) {
    case Payload.DecisionResponse: {
      const r = env.payload(new DecisionResponse()) as DecisionResponse;
      const n = r.instrumentsLength();
      return {
        type: 'DecisionResponse',
        requestId,
        instruments: arr(n, (i) => r.instruments(i) ?? 0),
        actions: arr(r.actionsLength(), (i) => r.actions(i) ?? 0),
        scores: arr(r.scoresLength(), (i) => r.scores(i) ?? 0),
        confidence: arr(r.confidenceLength(), (i) => r.confidence(i) ?? 0),
        clamps: arr(r.clampsLength(), (i) => r.clamps(i) ?? 0),
        reasons: arr(r.reasonsLength(), (i) => r.reasons(i) ?? 0),
        mode: MODE_NAME[r.mode()] ?? 'emergency',
        clientTsNs: r.clientTsNs(),
        serverNs: r.serverNs(),
      };
    }
    case Payload.Error: {
      const e = env.payload(new WireError()) as WireError;
      return { type: 'Error', requestId, code: e.code(), codeName: ErrorCode[e.code()] ?? String(e.code()), message: e.message() ?? '' };
    }
    case Payload.Pong:
      return { type: 'Pong', requestId, serverTsNs: (env.payload(new Pong()) as Pong).serverTsNs() };
    case Payload.Status: {
      const s = env.payload(new Status()) as Status;
      return {
        type: 'Status',
        requestId,
        mode: MODE_NAME[s.mode()] ?? 'emergency',
        tsNs: s.tsNs(),
        transitionSeq: s.transitionSeq(),
        reason: s.reason() ?? '',
        connections: s.connections(),
        decisions: s.decisions(),
      };
    }
    case Payload.MarketEvents: {
      const { records, count } = d.marketEvents();
      return { type: 'MarketEvents', requestId, records: records.slice(), count };
    }
    case Payload.OrderEvent: {
      const o = env.payload(new OrderEvent()) as OrderEvent;
      return {
        type: 'OrderEvent',
        requestId,
        clientOrderId: o.clientOrderId() ?? '',
        instrument: o.instrument(),
        side: o.side() === 1 ? 'buy' : o.side() === 2 ? 'sell' : 'none',
        status: ORDER_STATUS[o.status()] ?? String(o.status()),
        price: o.price(),
        qty: o.qty(),
        filledQty: o.filledQty(),
        avgPrice: o.avgPrice(),
        tsNs: o.tsNs(),
        reason: o.reason() ?? '',
      };
    }
    case Payload.DecisionRequest:
      return { type: 'DecisionRequest', requestId };
    case Payload.Subscribe:
      return { type: 'Subscribe', requestId };
    default:
      return { type: 'Ping', requestId };
  }
}
