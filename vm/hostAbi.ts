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
import { storageKey } from '../state/index.js';
import { moveBalance, readAccount, readU128, writeU128 } from './accounts.js';
import { HostTrap } from './errors.js';
import type { CallRuntime, Frame, HostSlot } from './frame.js';
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

export function createHostImports(slot: HostSlot, runtime: CallRuntime): WebAssembly.Imports {
  const costs = runtime.costs;
  let view = new Uint8Array(0);
  const memory = (): Uint8Array => {
    const buffer = slot.instance!.memory.buffer;
    if (view.buffer !== buffer) view = new Uint8Array(buffer);
    return view;
  };
  const frame = (): Frame => slot.frame!;
  const charge = (price: HostCost, bytes = 0) => {
    const amount = costs.hostCall + price.base + price.perByte * BigInt(bytes);
    const gas = slot.instance!.gas;
    const left = gas.value as bigint;
    if (left < amount) {
      gas.value = 0n;
      throw new HostTrap('OUT_OF_GAS', 'out of gas in a host function');
    }
    gas.value = left - amount;
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
  /** A copy of contract memory. */
  const read = (ptr: number, len: number, max: number, what: string): Uint8Array => {
    const [start, end] = span(ptr, len, max, what);
    return memory().slice(start, end);
  };
  const write = (ptr: number, bytes: Uint8Array, what: string) => {
    const [start] = span(ptr, bytes.length, bytes.length, what);
    memory().set(bytes, start);
  };
  const writable = (what: string) => {
    if (frame().readOnly) throw new HostTrap('READ_ONLY', `${what} in a read-only call`);
  };
  const storage = (keyPtr: number, keyLen: number) =>
    storageKey(frame().contract, read(keyPtr, keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key'));
  const hashInto = (price: HostCost, ptr: number, len: number, dst: number, hash: (data: Uint8Array) => Uint8Array) => {
    charge(price, sized(len, HOST_LIMITS.maxHashInputBytes, 'hash input'));
    const [start, end] = span(ptr, len, HOST_LIMITS.maxHashInputBytes, 'hash input');
    span(dst, HASH_BYTES, HASH_BYTES, 'hash output');
    write(dst, hash(memory().subarray(start, end)), 'hash output');
  };

  const gasket = {
    input_size: (): number => {
      charge(costs.input_size);
      return frame().input.length;
    },
    input_read: (dst: number): void => {
      const input = frame().input;
      charge(costs.input_read, input.length);
      write(dst, input, 'input_read destination');
    },
    return_data: (ptr: number, len: number): void => {
      charge(costs.return_data, sized(len, HOST_LIMITS.maxReturnBytes, 'return data'));
      frame().returnData = read(ptr, len, HOST_LIMITS.maxReturnBytes, 'return data');
    },
    revert: (ptr: number, len: number): never => {
      charge(costs.revert, sized(len, HOST_LIMITS.maxRevertBytes, 'revert message'));
      const data = read(ptr, len, HOST_LIMITS.maxRevertBytes, 'revert message');
      throw new HostTrap('REVERT', utf8.decode(data), data);
    },
    result_size: (): number => {
      charge(costs.result_size);
      return frame().result.length;
    },
    result_read: (dst: number): void => {
      const result = frame().result;
      charge(costs.result_read, result.length);
      write(dst, result, 'result_read destination');
    },
    storage_read: (keyPtr: number, keyLen: number): number => {
      charge(costs.storage_read, sized(keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key'));
      const value = runtime.state.get(storage(keyPtr, keyLen));
      if (value === undefined) {
        frame().result = new Uint8Array(0);
        return -1;
      }
      charge({ base: 0n, perByte: costs.storage_read.perByte }, value.length);
      frame().result = value;
      return value.length;
    },
    storage_write: (keyPtr: number, keyLen: number, valPtr: number, valLen: number): void => {
      writable('storage_write');
      charge(
        costs.storage_write,
        sized(keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key') +
          sized(valLen, HOST_LIMITS.maxStorageValueBytes, 'storage value'),
      );
      const key = storage(keyPtr, keyLen);
      runtime.state.put(key, read(valPtr, valLen, HOST_LIMITS.maxStorageValueBytes, 'storage value'));
    },
    storage_remove: (keyPtr: number, keyLen: number): number => {
      writable('storage_remove');
      charge(costs.storage_remove, sized(keyLen, HOST_LIMITS.maxStorageKeyBytes, 'storage key'));
      const key = storage(keyPtr, keyLen);
      if (runtime.state.get(key) === undefined) return 0;
      runtime.state.delete(key);
      return 1;
    },
    caller: (dst: number): void => {
      charge(costs.caller);
      write(dst, frame().caller, 'caller destination');
    },
    signer: (dst: number): void => {
      charge(costs.signer);
      write(dst, frame().signer, 'signer destination');
    },
    self_address: (dst: number): void => {
      charge(costs.self_address);
      write(dst, frame().contract, 'self_address destination');
    },
    value_received: (dst: number): void => {
      charge(costs.value_received);
      const out = new Uint8Array(U128_BYTES);
      writeU128(out, 0, frame().value);
      write(dst, out, 'value_received destination');
    },
    balance: (addrPtr: number, dst: number): void => {
      charge(costs.balance);
      const address = read(addrPtr, ADDRESS_BYTES, ADDRESS_BYTES, 'balance address');
      const out = new Uint8Array(U128_BYTES);
      writeU128(out, 0, readAccount(runtime.state, address).balance);
      write(dst, out, 'balance destination');
    },
    transfer: (addrPtr: number, amountPtr: number): number => {
      writable('transfer');
      charge(costs.transfer);
      const to = read(addrPtr, ADDRESS_BYTES, ADDRESS_BYTES, 'transfer address');
      const amount = readU128(read(amountPtr, U128_BYTES, U128_BYTES, 'transfer amount'), 0);
      return moveBalance(runtime.state, frame().contract, to, amount) ? 0 : 1;
    },
    block_height: (): bigint => {
      charge(costs.block_height);
      return runtime.block.height;
    },
    block_timestamp: (): bigint => {
      charge(costs.block_timestamp);
      return runtime.block.timestamp;
    },
    gas_left: (): bigint => {
      charge(costs.gas_left);
      return slot.instance!.gas.value as bigint;
    },
    emit: (topicPtr: number, topicLen: number, dataPtr: number, dataLen: number): void => {
      writable('emit');
      charge(
        costs.emit,
        sized(topicLen, HOST_LIMITS.maxEventTopicBytes, 'event topic') +
          sized(dataLen, HOST_LIMITS.maxEventDataBytes, 'event data'),
      );
      const f = frame();
      f.events.push({
        contract: f.contract,
        topic: read(topicPtr, topicLen, HOST_LIMITS.maxEventTopicBytes, 'event topic'),
        data: read(dataPtr, dataLen, HOST_LIMITS.maxEventDataBytes, 'event data'),
      });
    },
    log: (ptr: number, len: number): void => {
      charge(costs.log, sized(len, HOST_LIMITS.maxLogBytes, 'log text'));
      const f = frame();
      f.logs.push({ contract: f.contract, message: utf8.decode(read(ptr, len, HOST_LIMITS.maxLogBytes, 'log text')) });
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
        costs.call,
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
      const child = runtime.callNested(f, {
        contract,
        method,
        args,
        value,
        gasLimit: forwarded,
        stackBase: (instance.stack.value as number) + runtime.hostFrameStackUnits,
      });
      instance.gas.value = (instance.gas.value as bigint) - child.gasUsed;
      f.result = child.returnData;
      f.logs.push(...child.logs);
      if (child.status === 'ok') {
        f.events.push(...child.events);
        return CALL_STATUS.ok;
      }
      return child.status === 'revert' ? CALL_STATUS.revert : CALL_STATUS.failed;
    },
    sha256: (ptr: number, len: number, dst: number): void =>
      hashInto(costs.sha256, ptr, len, dst, (data) => new Uint8Array(createHash('sha256').update(data).digest())),
    keccak256: (ptr: number, len: number, dst: number): void => hashInto(costs.keccak256, ptr, len, dst, keccak_256),
    blake3: (ptr: number, len: number, dst: number): void =>
      hashInto(costs.blake3, ptr, len, dst, (data) => blake3(data)),
    ed25519_verify: (sigPtr: number, pkPtr: number, msgPtr: number, msgLen: number): number => {
      charge(costs.ed25519_verify, sized(msgLen, HOST_LIMITS.maxHashInputBytes, 'signed message'));
      const signature = read(sigPtr, 64, 64, 'signature');
      const publicKey = read(pkPtr, 32, 32, 'public key');
      const message = read(msgPtr, msgLen, HOST_LIMITS.maxHashInputBytes, 'signed message');
      try {
        const key = createPublicKey({
          key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]),
          format: 'der',
          type: 'spki',
        });
        return verify(null, message, key, signature) ? 1 : 0;
      } catch {
        return 0; // not a valid point: not a valid signature
      }
    },
  };

  const env = {
    abort: (messagePtr: number, filePtr: number, line: number, column: number): never => {
      const message = readAssemblyScriptString(messagePtr) ?? 'abort';
      const file = readAssemblyScriptString(filePtr);
      charge(costs.abort, message.length + (file?.length ?? 0));
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
