/**
 * Host ABI v1: the functions of import module `gasket` (and AssemblyScript's `env.abort`), the contract's whole
 * world. Each function checks its pointers and lengths against the contract's memory once, charges its gas from
 * HOST_COSTS_V1 before doing work, and stops the contract only by throwing a `HostTrap`. No function exposes wall
 * clock, randomness or host floats. Reference: docs/host-abi.md.
 * @module
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { blake3 } from '@noble/hashes/blake3.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { allocBytes, storageKey } from '../state/index.js';
import { moveBalance, readAccount, readU128, writeU128 } from './accounts.js';
import { HostTrap } from './errors.js';
import type { Frame, HostSlot, TraceFrame, TraceHostCall } from './frame.js';
import type { HostCost } from './hostCosts.js';
import { HOST_LIMITS } from './hostCosts.js';

const ADDRESS_BYTES = 32;
const U128_BYTES = 16;
const HASH_BYTES = 32;
/** The call's result codes for contracts. */
export const CALL_STATUS = Object.freeze({ ok: 0, revert: 1, failed: 2 });

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf16 = new TextDecoder('utf-16le', { fatal: false });
const ED25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

export function createHostImports(slot: HostSlot): WebAssembly.Imports {
  let view = new Uint8Array(0);
  const memory = (): Uint8Array => {
    const buffer = slot.instance!.memory.buffer;
    if (view.buffer !== buffer) view = new Uint8Array(buffer);
    return view;
  };
  const frame = (): Frame => slot.frame!;
  // Tracing: gas charged since the last recorded host call, and the entry that records it. When the frame has no
  // trace, `traced()` is one property read per host call: nothing else runs.
  let tracedGas = 0n;
  const traced = (): TraceFrame | undefined => slot.frame!.trace;
  const record = (op: string, detail?: TraceHostCall['detail'], call?: TraceFrame) => {
    traced()!.hostCalls.push({ op, gas: tracedGas, ...(detail ? { detail } : {}), ...(call ? { call } : {}) });
    tracedGas = 0n;
  };
  const charge = (price: HostCost, bytes = 0) => {
    const amount = slot.runtime!.costs.hostCall + price.base + price.perByte * BigInt(bytes);
    const gas = slot.instance!.gas;
    const left = gas.value as bigint;
    if (left < amount) {
      gas.value = 0n;
      throw new HostTrap('OUT_OF_GAS', 'out of gas in a host function');
    }
    gas.value = left - amount;
    if (slot.frame!.trace) tracedGas += amount;
  };
  const span = (ptr: number, len: number, max: number, what: string): [number, number] => {
    const start = ptr >>> 0;
    const length = len >>> 0;
    if (length > max) throw new HostTrap('BAD_POINTER', `${what}: ${length} bytes is over the limit of ${max}`);
    const size = memory().length;
    if (start + length > size) {
      throw new HostTrap(
        'BAD_POINTER',
        `${what}: bytes ${start}..${start + length} are outside memory (${size} bytes)`,
      );
    }
    return [start, start + length];
  };
  /** A length checked against its host limit before anything is charged for it. */
  const sized = (len: number, max: number, what: string): number => {
    const length = len >>> 0;
    if (length > max) throw new HostTrap('BAD_POINTER', `${what}: ${length} bytes is over the limit of ${max}`);
    return length;
  };
  /**
   * A copy of contract memory. Over 64 bytes (V8 keeps smaller typed arrays on its heap) the copy goes into state's
   * shared slab (`allocBytes`): `slice` would give it a malloc'd store of its own (an event's data, say), which the
   * GC's sweeper frees later.
   */
  const read = (ptr: number, len: number, max: number, what: string): Uint8Array => {
    const [start, end] = span(ptr, len, max, what);
    if (end - start <= 64) return memory().slice(start, end);
    const out = allocBytes(end - start);
    out.set(memory().subarray(start, end));
    return out;
  };
  const write = (ptr: number, bytes: Uint8Array, what: string) => {
    const [start] = span(ptr, bytes.length, bytes.length, what);
    memory().set(bytes, start);
  };
  const writable = (what: string) => {
    if (frame().readOnly) throw new HostTrap('READ_ONLY', `${what} in a read-only call`);
  };
  const userKey = (keyPtr: number, keyLen: number) =>
    read(keyPtr, keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key');
  const hashInto = (
    op: string,
    price: HostCost,
    ptr: number,
    len: number,
    dst: number,
    hash: (data: Uint8Array) => Uint8Array,
  ) => {
    charge(price, sized(len, HOST_LIMITS.maxHashInputBytes, 'hash input'));
    const [start, end] = span(ptr, len, HOST_LIMITS.maxHashInputBytes, 'hash input');
    span(dst, HASH_BYTES, HASH_BYTES, 'hash output');
    const digest = hash(memory().subarray(start, end));
    write(dst, digest, 'hash output');
    if (traced()) record(op, { bytes: end - start, digest });
  };

  const gasket = {
    input_size: (): number => {
      charge(slot.runtime!.costs.input_size);
      if (traced()) record('input_size');
      return frame().input.length;
    },
    input_read: (dst: number): void => {
      const input = frame().input;
      charge(slot.runtime!.costs.input_read, input.length);
      write(dst, input, 'input_read destination');
      if (traced()) record('input_read', { bytes: input.length });
    },
    return_data: (ptr: number, len: number): void => {
      charge(slot.runtime!.costs.return_data, sized(len, HOST_LIMITS.maxReturnBytes, 'return data'));
      frame().returnData = read(ptr, len, HOST_LIMITS.maxReturnBytes, 'return data');
      if (traced()) record('return_data', { data: frame().returnData });
    },
    revert: (ptr: number, len: number): never => {
      charge(slot.runtime!.costs.revert, sized(len, HOST_LIMITS.maxRevertBytes, 'revert message'));
      const data = read(ptr, len, HOST_LIMITS.maxRevertBytes, 'revert message');
      if (traced()) record('revert', { message: utf8.decode(data) });
      throw new HostTrap('REVERT', utf8.decode(data), data);
    },
    result_size: (): number => {
      charge(slot.runtime!.costs.result_size);
      if (traced()) record('result_size');
      return frame().result.length;
    },
    result_read: (dst: number): void => {
      const result = frame().result;
      charge(slot.runtime!.costs.result_read, result.length);
      write(dst, result, 'result_read destination');
      if (traced()) record('result_read', { bytes: result.length });
    },
    storage_read: (keyPtr: number, keyLen: number): number => {
      charge(slot.runtime!.costs.storage_read, sized(keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key'));
      const key = userKey(keyPtr, keyLen);
      const value = slot.runtime!.state.get(storageKey(frame().contract, key));
      if (value !== undefined) charge({ base: 0n, perByte: slot.runtime!.costs.storage_read.perByte }, value.length);
      frame().result = value ?? new Uint8Array(0);
      if (traced()) record('storage_read', { key, value: value ?? null });
      return value === undefined ? -1 : value.length;
    },
    storage_write: (keyPtr: number, keyLen: number, valPtr: number, valLen: number): void => {
      writable('storage_write');
      charge(
        slot.runtime!.costs.storage_write,
        sized(keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key') +
          sized(valLen, HOST_LIMITS.maxStorageValueBytes, 'storage value'),
      );
      const key = userKey(keyPtr, keyLen);
      const namespaced = storageKey(frame().contract, key);
      const value = read(valPtr, valLen, HOST_LIMITS.maxStorageValueBytes, 'storage value');
      if (traced()) record('storage_write', { key, old: slot.runtime!.state.get(namespaced) ?? null, value });
      slot.runtime!.state.put(namespaced, value);
    },
    storage_remove: (keyPtr: number, keyLen: number): number => {
      writable('storage_remove');
      charge(slot.runtime!.costs.storage_remove, sized(keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key'));
      const key = userKey(keyPtr, keyLen);
      const namespaced = storageKey(frame().contract, key);
      const old = slot.runtime!.state.get(namespaced);
      if (traced()) record('storage_remove', { key, old: old ?? null });
      if (old === undefined) return 0;
      slot.runtime!.state.delete(namespaced);
      return 1;
    },
    caller: (dst: number): void => {
      charge(slot.runtime!.costs.caller);
      write(dst, frame().caller, 'caller destination');
      if (traced()) record('caller');
    },
    signer: (dst: number): void => {
      charge(slot.runtime!.costs.signer);
      write(dst, frame().signer, 'signer destination');
      if (traced()) record('signer');
    },
    self_address: (dst: number): void => {
      charge(slot.runtime!.costs.self_address);
      write(dst, frame().contract, 'self_address destination');
      if (traced()) record('self_address');
    },
    value_received: (dst: number): void => {
      charge(slot.runtime!.costs.value_received);
      const out = new Uint8Array(U128_BYTES);
      writeU128(out, 0, frame().value);
      write(dst, out, 'value_received destination');
      if (traced()) record('value_received');
    },
    balance: (addrPtr: number, dst: number): void => {
      charge(slot.runtime!.costs.balance);
      const address = read(addrPtr, ADDRESS_BYTES, ADDRESS_BYTES, 'balance address');
      const balance = readAccount(slot.runtime!.state, address).balance;
      const out = new Uint8Array(U128_BYTES);
      writeU128(out, 0, balance);
      write(dst, out, 'balance destination');
      if (traced()) record('balance', { address, balance });
    },
    transfer: (addrPtr: number, amountPtr: number): number => {
      writable('transfer');
      charge(slot.runtime!.costs.transfer);
      const to = read(addrPtr, ADDRESS_BYTES, ADDRESS_BYTES, 'transfer address');
      const amount = readU128(read(amountPtr, U128_BYTES, U128_BYTES, 'transfer amount'), 0);
      const ok = moveBalance(slot.runtime!.state, frame().contract, to, amount);
      if (traced()) record('transfer', { to, amount, ok });
      return ok ? 0 : 1;
    },
    block_height: (): bigint => {
      charge(slot.runtime!.costs.block_height);
      if (traced()) record('block_height');
      return slot.runtime!.block.height;
    },
    block_timestamp: (): bigint => {
      charge(slot.runtime!.costs.block_timestamp);
      if (traced()) record('block_timestamp');
      return slot.runtime!.block.timestamp;
    },
    gas_left: (): bigint => {
      charge(slot.runtime!.costs.gas_left);
      if (traced()) record('gas_left');
      return slot.instance!.gas.value as bigint;
    },
    emit: (topicPtr: number, topicLen: number, dataPtr: number, dataLen: number): void => {
      writable('emit');
      charge(
        slot.runtime!.costs.emit,
        sized(topicLen, HOST_LIMITS.maxEventTopicBytes, 'event topic') +
          sized(dataLen, HOST_LIMITS.maxEventDataBytes, 'event data'),
      );
      const f = frame();
      const event = {
        contract: f.contract,
        topic: read(topicPtr, topicLen, HOST_LIMITS.maxEventTopicBytes, 'event topic'),
        data: read(dataPtr, dataLen, HOST_LIMITS.maxEventDataBytes, 'event data'),
      };
      f.events.push(event);
      if (traced()) record('emit', { topic: event.topic, data: event.data });
    },
    log: (ptr: number, len: number): void => {
      charge(slot.runtime!.costs.log, sized(len, HOST_LIMITS.maxLogBytes, 'log text'));
      const f = frame();
      const message = utf8.decode(read(ptr, len, HOST_LIMITS.maxLogBytes, 'log text'));
      f.logs.push({ contract: f.contract, message });
      if (traced()) record('log', { message });
    },
    call: (
      addrPtr: number,
      methodPtr: number,
      methodLen: number,
      argsPtr: number,
      argsLen: number,
      valuePtr: number,
      gas: bigint,
    ): number => {
      charge(
        slot.runtime!.costs.call,
        sized(methodLen, HOST_LIMITS.maxMethodNameBytes, 'call method') +
          sized(argsLen, HOST_LIMITS.maxInputBytes, 'call arguments'),
      );
      const f = frame();
      const contract = read(addrPtr, ADDRESS_BYTES, ADDRESS_BYTES, 'call address');
      const method = utf8.decode(read(methodPtr, methodLen, HOST_LIMITS.maxMethodNameBytes, 'call method'));
      const args = read(argsPtr, argsLen, HOST_LIMITS.maxInputBytes, 'call arguments');
      const value = readU128(read(valuePtr, U128_BYTES, U128_BYTES, 'call value'), 0);
      if (value > 0n) writable('a call with value');
      const instance = slot.instance!;
      // At most 63/64 of what is left (as EIP-150), so a caller always keeps gas to handle a failed call.
      const left = instance.gas.value as bigint;
      const cap = left - left / 64n;
      const forwarded = gas <= 0n || gas > cap ? cap : gas;
      const child = slot.runtime!.callNested(f, {
        contract,
        method,
        args,
        value,
        gasLimit: forwarded,
        stackBase: (instance.stack.value as number) + slot.runtime!.hostFrameStackUnits,
      });
      instance.gas.value = (instance.gas.value as bigint) - child.gasUsed;
      if (traced()) {
        tracedGas += child.gasUsed;
        record(
          'call',
          { address: contract, method, value, gasForwarded: forwarded, status: child.status },
          child.trace,
        );
      }
      f.result = child.returnData;
      f.logs.push(...child.logs);
      if (child.status === 'ok') {
        f.events.push(...child.events);
        return CALL_STATUS.ok;
      }
      return child.status === 'revert' ? CALL_STATUS.revert : CALL_STATUS.failed;
    },
    sha256: (ptr: number, len: number, dst: number): void =>
      hashInto(
        'sha256',
        slot.runtime!.costs.sha256,
        ptr,
        len,
        dst,
        (data) => new Uint8Array(createHash('sha256').update(data).digest()),
      ),
    keccak256: (ptr: number, len: number, dst: number): void =>
      hashInto('keccak256', slot.runtime!.costs.keccak256, ptr, len, dst, keccak_256),
    blake3: (ptr: number, len: number, dst: number): void =>
      hashInto('blake3', slot.runtime!.costs.blake3, ptr, len, dst, (data) => blake3(data)),
    ed25519_verify: (sigPtr: number, pkPtr: number, msgPtr: number, msgLen: number): number => {
      charge(slot.runtime!.costs.ed25519_verify, sized(msgLen, HOST_LIMITS.maxHashInputBytes, 'signed message'));
      const signature = read(sigPtr, 64, 64, 'signature');
      const publicKey = read(pkPtr, 32, 32, 'public key');
      const message = read(msgPtr, msgLen, HOST_LIMITS.maxHashInputBytes, 'signed message');
      try {
        const key = createPublicKey({
          key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
          format: 'der',
          type: 'spki',
        });
        const valid = verify(null, message, key, signature);
        if (traced()) record('ed25519_verify', { valid });
        return valid ? 1 : 0;
      } catch {
        if (traced()) record('ed25519_verify', { valid: false });
        return 0; // not a valid point: not a valid signature
      }
    },
  };

  const env = {
    abort: (messagePtr: number, filePtr: number, line: number, column: number): never => {
      const message = readAssemblyScriptString(messagePtr) ?? 'abort';
      const file = readAssemblyScriptString(filePtr);
      charge(slot.runtime!.costs.abort, message.length + (file?.length ?? 0));
      if (traced()) record('abort', { message, file: file ?? null, line: line >>> 0, column: column >>> 0 });
      throw new HostTrap('ABORT', file ? `${message} at ${file}:${line >>> 0}:${column >>> 0}` : message);
    },
  };

  /** An AssemblyScript string: UTF-16LE, its byte length in the u32 before it. Undefined for null or bad pointers. */
  function readAssemblyScriptString(ptr: number): string | undefined {
    const start = ptr >>> 0;
    const mem = memory();
    if (start < 4 || start > mem.length) return undefined;
    const length = new DataView(mem.buffer, mem.byteOffset).getUint32(start - 4, true);
    if (length > HOST_LIMITS.maxRevertBytes || start + length > mem.length) return undefined;
    return utf16.decode(mem.subarray(start, start + length));
  }

  return { gasket, env };
}
