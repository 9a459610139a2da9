/**
 * The JSON-RPC server's fast path for its common request: HTTP/1.1 `POST` with a `content-length` body on a
 * keep-alive connection, answered with one write of a head and the JSON. node:http spends about 50-70 µs of CPU on
 * such a request here (its parser callbacks, IncomingMessage and ServerResponse streams, header objects), this
 * path about 16-25 µs (measured with a keep-alive client sending one request at a time); a transfer takes two
 * requests (tx_send, tx_getReceipt) on the node's main thread.
 *
 * Anything else (another method, an upgrade, `transfer-encoding`, `expect`, `connection` other than keep-alive,
 * HTTP/1.0, no or a repeated `content-length`, a body over the limit, an odd or oversized head) hands the connection
 * to the node:http server from that request on, which answers it as it always did: the bytes not yet answered are
 * put back into the socket, after the answers already under way are written. Answers to pipelined requests are
 * written in request order.
 * @module
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export type FastPathOptions = {
  readonly maxBodyBytes: number;
  /** Allowed origin for CORS: adds the same headers as the node:http path. */
  readonly cors?: string;
  /** node:http's `keepAliveTimeout`: a connection idle this many milliseconds is closed (by 1.5 times that). */
  readonly keepAliveMs: number;
};

/** An answer to a body: the JSON text, or undefined for notifications only (204). Rejects for a 500. */
export type AnswerBody = (body: string) => Promise<string | undefined>;

/**
 * Requests of one connection answered at once (pipelined): past this the socket stops reading until answers are
 * written, so a client that sends without reading cannot make the node queue work and answers without bound.
 */
export const MAX_PIPELINED = 16;

/** node:http's own limit on a request head (`maxHeaderSize`): longer heads go to it, which answers 431. */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const REQUEST_LINE = /^POST [^\s]+ HTTP\/1\.1$/;
const DIGITS = /^\d{1,15}$/;

type Parsed = { readonly body: string; readonly next: number } | 'incomplete' | 'other';

/**
 * Serves `socket` on the fast path until a request it does not take, then hands it to `http`. The socket's
 * server must allow half-open connections, as node:http's does.
 */
export function serveFast(socket: Socket, http: Server, answer: AnswerBody, options: FastPathOptions): void {
  const corsHeaders = options.cors
    ? `access-control-allow-origin: ${options.cors}\r\naccess-control-allow-headers: content-type\r\n`
    : '';
  const keepAlive = `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(options.keepAliveMs / 1000)}\r\n`;
  let pending: Buffer | undefined;
  /** Bytes `pending` must reach before parsing again (a body still arriving). */
  let needed = 0;
  /**
   * Chunks of a body still arriving, joined once it is complete: joining at every chunk would copy a 5 MB body
   * sent a few bytes at a time billions of times over.
   */
  let arriving: Buffer[] = [];
  let arrivingBytes = 0;
  /** Reading was paused because MAX_PIPELINED answers are under way. */
  let held = false;
  /** The connection went to node:http: nothing here reads it again. */
  let handedOver = false;
  /**
   * The answers under way, in request order: each slot gets its text when its answer settles, and the slots at
   * the front that have one are written at once (answers are written in request order). No promise chain per
   * request: the answer's own promise is the only one.
   */
  const slots: { out: string | undefined }[] = [];
  /** What waits for every answer under way to be written (the end of the connection, a hand-over). */
  let afterWritten: (() => void)[] = [];

  const reply = (status: string, body: string | undefined) => {
    const head = `HTTP/1.1 ${status}\r\n${corsHeaders}`;
    if (body === undefined) return `${head}Date: ${httpDate()}\r\n${keepAlive}\r\n`;
    return `${head}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nDate: ${httpDate()}\r\n${keepAlive}\r\n${body}`;
  };
  const writeReady = () => {
    while (slots.length > 0 && slots[0]!.out !== undefined) {
      const out = slots.shift()!.out!;
      if (!socket.destroyed) socket.write(out);
      active = true;
    }
    if (held && slots.length < MAX_PIPELINED && !socket.destroyed && !handedOver) {
      held = false;
      socket.resume();
      parsePending(); // the requests that arrived while reading was held
    }
    if (slots.length === 0 && afterWritten.length > 0) {
      const waiting = afterWritten;
      afterWritten = [];
      for (const then of waiting) then();
    }
  };
  /** Runs `then` once every answer under way is written (in a later microtask when none is). */
  const whenWritten = (then: () => void) => {
    if (slots.length === 0) queueMicrotask(then);
    else afterWritten.push(then);
  };
  const respond = (body: string) => {
    const slot: { out: string | undefined } = { out: undefined };
    slots.push(slot);
    answer(body).then(
      (json) => {
        slot.out = json === undefined ? reply('204 No Content', undefined) : reply('200 OK', json);
        writeReady();
      },
      (error: unknown) => {
        slot.out = reply(
          '500 Internal Server Error',
          JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: String(error) } }),
        );
        writeReady();
      },
    );
    if (slots.length >= MAX_PIPELINED && !held) {
      held = true;
      socket.pause();
    }
  };
  /**
   * The keep-alive timeout, without `socket.setTimeout`: that re-arms a timer at every read and write of the
   * socket (about 3 µs of timer-list work a transfer in perf, 2026-11-25: two requests and two answers). Instead a
   * reading and a writing mark the connection active, and a check every half keep-alive period closes a connection
   * that had no activity and no answer under way at two checks in a row: idle for at least `keepAliveMs` (what the
   * Keep-Alive header promises) and at most 1.5 times that.
   */
  let active = true;
  let idleChecks = 0;
  const idleCheck = setInterval(
    () => {
      if (active || slots.length > 0) {
        active = false;
        idleChecks = 0;
      } else if (++idleChecks >= 2) {
        socket.destroy();
      }
    },
    Math.max(1, Math.floor(options.keepAliveMs / 2)),
  );
  idleCheck.unref(); // as a socket's own timeout: never what keeps the process alive
  const stopIdleCheck = () => clearInterval(idleCheck);
  const onError = () => socket.destroy();
  // the client is done sending (half-closed, as node:http allows): answer what it sent, then close
  const onEnd = () => {
    whenWritten(() => socket.end());
  };
  const handOver = () => {
    handedOver = true;
    // paused before the listener goes: a flowing socket without a 'data' listener would drop what arrives
    socket.pause();
    socket.removeListener('data', onData);
    socket.removeListener('error', onError);
    socket.removeListener('end', onEnd);
    stopIdleCheck(); // node:http keeps its own keep-alive timeout
    whenWritten(() => {
      if (socket.destroyed) return;
      if (pending !== undefined) socket.unshift(pending);
      pending = undefined;
      http.emit('connection', socket);
      socket.resume();
    });
  };
  function onData(data: Buffer): void {
    active = true;
    if (needed > 0) {
      arriving.push(data);
      arrivingBytes += data.length;
      if (arrivingBytes < needed) return;
      pending = Buffer.concat(arriving, arrivingBytes);
      arriving = [];
      arrivingBytes = 0;
    } else {
      pending = pending === undefined ? data : Buffer.concat([pending, data]);
    }
    parsePending();
  }
  function parsePending(): void {
    while (pending !== undefined) {
      if (held) return; // the rest waits in `pending` until answers are written
      const parsed = parseRequest(pending, options.maxBodyBytes);
      if (parsed === 'other') {
        handOver();
        return;
      }
      if (parsed === 'incomplete') {
        if (needed > 0) {
          arriving = [pending];
          arrivingBytes = pending.length;
          pending = undefined;
        }
        return;
      }
      needed = 0;
      pending = parsed.next === pending.length ? undefined : pending.subarray(parsed.next);
      respond(parsed.body);
    }
  }
  /**
   * The last head that passed, and its body length: a client sends the same head again and again (the same
   * headers, often the same length), and a head equal byte for byte to one that passed passes the same way, so it
   * is compared rather than parsed again.
   */
  let lastHead: Buffer | undefined;
  let lastLength = 0;
  /** parseRequest's answer for a head whose body is still arriving: how long `pending` must get first. */
  function parseRequest(buffer: Buffer, maxBody: number): Parsed {
    const end = buffer.indexOf(HEAD_END);
    if (end < 0) return buffer.length > MAX_HEAD_BYTES ? 'other' : 'incomplete';
    if (end > MAX_HEAD_BYTES) return 'other';
    let length: number;
    if (lastHead !== undefined && end === lastHead.length && buffer.compare(lastHead, 0, end, 0, end) === 0) {
      length = lastLength;
    } else {
      const checked = bodyLengthOfHead(buffer.toString('latin1', 0, end), maxBody);
      if (checked === undefined) return 'other';
      length = checked;
      lastHead = Buffer.from(buffer.subarray(0, end)); // a copy: `buffer` may be a view of a chunk reused later
      lastLength = length;
    }
    const start = end + HEAD_END.length;
    if (buffer.length < start + length) {
      needed = start + length;
      return 'incomplete';
    }
    return { body: buffer.toString('utf8', start, start + length), next: start + length };
  }

  socket.setNoDelay(true);
  socket.once('close', stopIdleCheck);
  socket.on('error', onError);
  socket.on('end', onEnd);
  socket.on('data', onData);
}

/**
 * The body length a request head declares, if the fast path takes the request (a JSON-RPC POST over HTTP/1.1 with
 * a host, one content-length within `maxBody`, keep-alive); undefined hands it to node:http.
 */
function bodyLengthOfHead(head: string, maxBody: number): number | undefined {
  const lines = head.split('\r\n');
  if (!REQUEST_LINE.test(lines[0]!)) return undefined;
  let length: number | undefined;
  let host = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) return undefined;
    const name = line.slice(0, colon).toLowerCase();
    if (name === 'content-length') {
      const value = line.slice(colon + 1).trim();
      if (length !== undefined || !DIGITS.test(value)) return undefined;
      length = Number(value);
    } else if (name === 'transfer-encoding' || name === 'expect' || name === 'upgrade') {
      return undefined;
    } else if (
      name === 'connection' &&
      line
        .slice(colon + 1)
        .trim()
        .toLowerCase() !== 'keep-alive'
    ) {
      return undefined;
    } else if (name === 'host') {
      host = true;
    } else if (name.includes(' ') || name.includes('\t')) {
      return undefined;
    }
  }
  // node:http answers 400 to an HTTP/1.1 request without a host, 413 (readBody) to one over the limit
  if (!host || length === undefined || length > maxBody) return undefined;
  return length;
}

let dateSecond = -1;
let dateText = '';

/** The `Date` header's text, made once a second (as node:http does). */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
