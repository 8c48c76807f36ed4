/**
 * Minimal HTTP/1.1 response reader for one GET over a byte stream (an SSH direct-tcpip channel):
 * status line, headers, and a body framed by chunked encoding, Content-Length, or connection close.
 * Incremental: feed chunks split anywhere. No Node streams; Buffer only for concatenation.
 */

export interface HttpResponse {
  status: number;
  reason: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
}

export class HttpParseError extends Error {}

const MAX_HEADER_BYTES = 64 * 1024;

type Phase = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close' | 'done';

export class HttpResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private phase: Phase = 'head';
  private status = 0;
  private reason = '';
  private headers: Record<string, string> = {};
  private parts: Buffer[] = [];
  private bodyBytes = 0;
  private remaining = 0;
  private readonly maxBody: number;

  constructor(opts: { maxBodyBytes?: number } = {}) {
    this.maxBody = opts.maxBodyBytes ?? 1024 * 1024 * 1024;
  }

  /** True once the whole response has been read (more input is then ignored). */
  get done(): boolean {
    return this.phase === 'done';
  }

  get bytesReceived(): number {
    return this.bodyBytes;
  }

  push(chunk: Uint8Array): void {
    if (this.phase === 'done') return;
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    this.advance();
  }

  /** The peer closed the stream; returns the response or throws when it was cut short. */
  end(): HttpResponse {
    if (this.phase === 'until-close') this.phase = 'done';
    if (this.phase !== 'done') {
      const where = this.phase === 'head' ? 'in the response headers' : `after ${this.bodyBytes} body bytes`;
      throw new HttpParseError(`connection closed ${where} (incomplete response)`);
    }
    return this.response();
  }

  response(): HttpResponse {
    if (this.phase !== 'done') throw new HttpParseError('response not complete');
    return { status: this.status, reason: this.reason, headers: this.headers, body: new Uint8Array(Buffer.concat(this.parts)) };
  }

  private addBody(b: Buffer): void {
    if (b.length === 0) return;
    this.bodyBytes += b.length;
    if (this.bodyBytes > this.maxBody) throw new HttpParseError(`response body exceeds ${this.maxBody} bytes`);
    this.parts.push(b);
  }

  private takeLine(): string | null {
    const i = this.buf.indexOf('\r\n');
    if (i < 0) {
      if (this.buf.length > MAX_HEADER_BYTES) throw new HttpParseError('header or chunk-size line too long');
      return null;
    }
    const line = this.buf.subarray(0, i).toString('latin1');
    this.buf = this.buf.subarray(i + 2);
    return line;
  }

  private advance(): void {
    for (;;) {
      switch (this.phase) {
        case 'head': {
          const end = this.buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (this.buf.length > MAX_HEADER_BYTES) throw new HttpParseError('response headers too long');
            return;
          }
          this.parseHead(this.buf.subarray(0, end).toString('latin1'));
          this.buf = this.buf.subarray(end + 4);
          break;
        }
        case 'length': {
          const n = Math.min(this.remaining, this.buf.length);
          this.addBody(this.buf.subarray(0, n));
          this.buf = this.buf.subarray(n);
          this.remaining -= n;
          if (this.remaining === 0) this.phase = 'done';
          else return;
          break;
        }
        case 'chunk-size': {
          const line = this.takeLine();
          if (line === null) return;
          const hex = (line.split(';')[0] ?? '').trim(); // chunk extensions are ignored
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new HttpParseError(`bad chunk size line "${line.slice(0, 40)}"`);
          this.remaining = parseInt(hex, 16);
          this.phase = this.remaining === 0 ? 'trailers' : 'chunk-data';
          break;
        }
        case 'chunk-data': {
          const n = Math.min(this.remaining, this.buf.length);
          this.addBody(this.buf.subarray(0, n));
          this.buf = this.buf.subarray(n);
          this.remaining -= n;
          if (this.remaining > 0) return;
          this.phase = 'chunk-crlf';
          break;
        }
        case 'chunk-crlf': {
          if (this.buf.length < 2) return;
          if (this.buf[0] !== 0x0d || this.buf[1] !== 0x0a) throw new HttpParseError('missing CRLF after chunk data');
          this.buf = this.buf.subarray(2);
          this.phase = 'chunk-size';
          break;
        }
        case 'trailers': {
          const line = this.takeLine();
          if (line === null) return;
          if (line === '') this.phase = 'done';
          break;
        }
        case 'until-close':
          this.addBody(this.buf);
          this.buf = Buffer.alloc(0);
          return;
        case 'done':
          return;
      }
    }
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (!m) throw new HttpParseError(`not an HTTP/1.x response: "${(lines[0] ?? '').slice(0, 60)}"`);
    this.status = Number(m[1]);
    // RFC 9112: a three-digit status code; 0xx does not exist.
    if (this.status < 100) throw new HttpParseError(`malformed status code ${m[1]}`);
    this.reason = m[2] ?? '';
    for (const line of lines.slice(1)) {
      const c = line.indexOf(':');
      if (c <= 0) throw new HttpParseError(`bad header line "${line.slice(0, 60)}"`);
      const name = line.slice(0, c).trim().toLowerCase();
      const value = line.slice(c + 1).trim();
      this.headers[name] = name in this.headers ? `${this.headers[name]}, ${value}` : value;
    }
    const te = this.headers['transfer-encoding'];
    const cl = this.headers['content-length'];
    if (this.status >= 100 && this.status < 200) {
      throw new HttpParseError(`unexpected interim response ${this.status}`);
    } else if (this.status === 204 || this.status === 304) {
      this.phase = 'done';
    } else if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(te)) throw new HttpParseError(`unsupported Transfer-Encoding "${te}"`);
      this.phase = 'chunk-size';
    } else if (cl !== undefined) {
      if (!/^\d{1,15}$/.test(cl)) throw new HttpParseError(`bad Content-Length "${cl}"`);
      this.remaining = Number(cl);
      if (this.remaining > this.maxBody) throw new HttpParseError(`response body exceeds ${this.maxBody} bytes`);
      this.phase = this.remaining === 0 ? 'done' : 'length';
    } else {
      this.phase = 'until-close';
    }
  }
}
