/**
 * A batch of logs as captured, in one growing off-heap buffer: a request's log is its
 * raw fields (numbers and the strings the request already has) written as bytes, and
 * nothing else happens on the thread that serves requests. Building the stored row
 * (its id, date, message and data JSON: log-rows.ts) is left to whoever
 * writes the batch: SQLite's writer thread, or the PostgreSQL store at flush. Measured
 * on SQLite get-one: building the rows per request cost the main thread about 10% of
 * a request; capturing the fields costs about 2%. Bytes in a Buffer are also never
 * scanned or copied by the GC (logs held as objects until written were).
 *
 * Records: a kind byte, then the kind's fields (a level is an int32: application
 * levels go below 0); a string is its UTF-8 length (u32) and bytes.
 */
const INITIAL_BYTES = 64 << 10;

/** Strings up to this length are written by LogBatch.short(). */
const SHORT = 256;

export const LogKind = {
  /** A successful or 4xx request without an error: the fields of its PocketBase data. */
  Request: 0,
  /** Any other log: time, level, message and its data as JSON text. */
  Log: 1,
  /** A finished row (tests, one-off inserts): id, created, level, message, data JSON. */
  Row: 2,
} as const;

/** The request fields a request log is built from (log-rows.ts, requestData). */
export interface RequestLogFields {
  /** Date.now() when it finished. */
  time: number;
  level: number;
  status: number;
  /** Milliseconds. */
  execTime: number;
  method: string;
  /** Secrets already redacted (request-url.ts): the batch may wait on disk before its rows are built. */
  url: string;
  referer: string;
  userAgent: string;
  /** The auth collection's name, or "". */
  auth: string;
  /** Present when logs.logAuthId and signed in. */
  authId: string | undefined;
  /** Present when logs.logIP. */
  userIP: string | undefined;
  remoteIP: string | undefined;
}

export class LogBatch {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private at = 0;
  /** Logs in the batch. */
  count = 0;

  addRequest(r: RequestLogFields): void {
    // Each string takes at most 3 bytes per UTF-16 unit, plus its 4-byte length.
    this.reserve(32 + 3 * (r.method.length + r.url.length + r.referer.length + r.userAgent.length + r.auth.length +
      (r.authId?.length ?? 0) + (r.userIP?.length ?? 0) + (r.remoteIP?.length ?? 0)) + 4 * 8);
    const b = this.buffer;
    b[this.at++] = LogKind.Request;
    this.at = b.writeDoubleLE(r.time, this.at);
    this.at = b.writeDoubleLE(r.execTime, this.at);
    this.at = b.writeUInt16LE(r.status, this.at);
    this.at = b.writeInt32LE(r.level, this.at);
    b[this.at++] = (r.authId !== undefined ? 1 : 0) | (r.userIP !== undefined ? 2 : 0);
    this.string(r.method);
    this.string(r.url);
    this.string(r.referer);
    this.string(r.userAgent);
    this.string(r.auth);
    if (r.authId !== undefined) this.string(r.authId);
    if (r.userIP !== undefined) {
      this.string(r.userIP);
      this.string(r.remoteIP ?? '');
    }
    this.count++;
  }

  addLog(time: number, level: number, message: string, data: string): void {
    this.reserve(16 + 3 * (message.length + data.length) + 8);
    this.buffer[this.at++] = LogKind.Log;
    this.at = this.buffer.writeDoubleLE(time, this.at);
    this.at = this.buffer.writeInt32LE(level, this.at);
    this.string(message);
    this.string(data);
    this.count++;
  }

  addRow(id: string, created: string, level: number, message: string, data: string): void {
    this.reserve(8 + 3 * (id.length + created.length + message.length + data.length) + 16);
    this.buffer[this.at++] = LogKind.Row;
    this.at = this.buffer.writeInt32LE(level, this.at);
    this.string(id);
    this.string(created);
    this.string(message);
    this.string(data);
    this.count++;
  }

  /**
   * The batch so far (a copy in a buffer of its own, so it can be transferred to a
   * thread), and an empty batch; maxDataSize: the `logs.maxDataSize` its rows are built with.
   */
  take(maxDataSize = 0): CapturedLogs {
    const bytes = Buffer.allocUnsafeSlow(this.at);
    this.buffer.copy(bytes, 0, 0, this.at);
    const taken = { bytes, count: this.count, maxDataSize };
    this.at = 0;
    this.count = 0;
    // A batch that once grew large (a burst of big logs) does not keep its memory.
    if (this.buffer.length > 4 * INITIAL_BYTES) this.buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
    return taken;
  }

  private string(s: string): void {
    const start = this.at + 4;
    const length = s.length <= SHORT ? this.short(s, start) : this.buffer.write(s, start, 'utf8');
    this.buffer.writeUInt32LE(length, this.at);
    this.at = start + length;
  }

  /** Byte by byte while ASCII: cheaper than a call into the native encoder for the few dozen characters most fields have. */
  private short(s: string, start: number): number {
    const b = this.buffer;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) return b.write(s, start, 'utf8');
      b[start + i] = c;
    }
    return s.length;
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.at + bytes, this.buffer.length * 2));
    this.buffer.copy(next, 0, 0, this.at);
    this.buffer = next;
  }
}

/** A taken batch: its records (see LogBatch) and how many. */
export interface CapturedLogs {
  bytes: Buffer;
  count: number;
  /** The `logs.maxDataSize` setting when taken (0: 16 KiB). */
  maxDataSize: number;
}

/** Reads a batch's records back, in order (log-rows.ts builds the rows from them). */
export class CapturedReader {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  byte(): number {
    return this.bytes[this.at++]!;
  }

  double(): number {
    const value = this.bytes.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  int32(): number {
    const value = this.bytes.readInt32LE(this.at);
    this.at += 4;
    return value;
  }

  uint16(): number {
    const value = this.bytes.readUInt16LE(this.at);
    this.at += 2;
    return value;
  }

  string(): string {
    const length = this.bytes.readUInt32LE(this.at);
    this.at += 4;
    const value = length === 0 ? '' : this.bytes.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }
}
