/**
 * Contract handles from interface metadata: `const token = await contract(client, address, { signer })`, then
 * `token.call.balanceOf({ account })` (a read-only `contract_call`; args msgpack-encoded by the interface's
 * types, the result decoded to the return type) and `token.send.transfer({ to, amount })` (a signed transaction;
 * resolves to the receipt with the decoded return value). A method the interface does not list is refused before
 * anything is sent (ClientError UNKNOWN_METHOD). `deployContract` deploys code, encoding the init args by the
 * interface in the code's own `gasket:interface` section.
 * @module
 */
import {
  asContractInterface,
  type ContractInterface,
  decodeMethodResult,
  encodeMethodArgs,
  encodeUntyped,
  type MethodInterface,
} from './abi.js';
import { type BytesLike, bytesOf, type CallResult, hexOf, type Quantity, type Receipt } from './convert.js';
import type { Client } from './createClient.js';
import { ClientError } from './errors.js';
import type { Hex } from './rpcSchema.js';
import type { Signer } from './signer.js';

export const INTERFACE_SECTION = 'gasket:interface';

/** Named args (an object keyed by the interface's arg names) or positional ones (an array). */
export type MethodArgs = Readonly<Record<string, unknown>> | readonly unknown[];

export type CallOptions = { readonly from?: BytesLike; readonly gasLimit?: Quantity };
export type SendOptions = { readonly value?: Quantity; readonly gas?: Quantity; readonly gasPrice?: Quantity };

/** A receipt with the method's return value decoded (undefined when it failed or returns nothing). */
export type ContractReceipt = Receipt & { readonly value: unknown };

export type ContractHandle = {
  readonly address: Hex;
  readonly interface: ContractInterface;
  readonly call: Readonly<Record<string, (args?: MethodArgs, options?: CallOptions) => Promise<unknown>>>;
  readonly send: Readonly<Record<string, (args?: MethodArgs, options?: SendOptions) => Promise<ContractReceipt>>>;
};

export type ContractOptions = {
  /** Needed for `send`. */
  readonly signer?: Signer;
  /** Use this interface instead of asking the node for the contract's section. */
  readonly interface?: ContractInterface;
};

/** Thrown by `call` when the read-only call does not end ok; carries the result. */
export class ContractCallError extends ClientError {
  override name = 'ContractCallError';
  constructor(
    readonly method: string,
    readonly result: CallResult,
  ) {
    super(
      'EXECUTION_FAILED',
      `${method} ended with ${result.status}${result.error ? ` [${result.error.code}] ${result.error.message}` : ''}`,
    );
  }
}

export async function contract(
  client: Client,
  address: BytesLike,
  options: ContractOptions = {},
): Promise<ContractHandle> {
  const hex = hexOf(address, 'address', 32);
  let iface = options.interface;
  if (!iface) {
    const found = await client.getInterface(hex);
    if (!found || found.interface === null) {
      throw new ClientError('NO_INTERFACE', `the contract at ${hex} has no ${INTERFACE_SECTION} metadata`, {
        details: 'pass { interface } to contract() to use one you have',
      });
    }
    iface = asContractInterface(found.interface);
  }
  return bindContract(client, hex, iface, options.signer);
}

function bindContract(client: Client, address: Hex, iface: ContractInterface, signer?: Signer): ContractHandle {
  const byName = new Map(iface.methods.map((method) => [method.name, method]));
  const find = (name: string): MethodInterface => {
    const method = byName.get(name);
    if (!method) {
      throw new ClientError('UNKNOWN_METHOD', `${iface.name} has no method ${name}`, {
        details: `its methods: ${[...byName.keys()].join(', ')}`,
      });
    }
    return method;
  };
  const call = async (name: string, args?: MethodArgs, options: CallOptions = {}) => {
    const method = find(name);
    const result = await client.call({
      contract: address,
      method: name,
      args: encodeMethodArgs(method, args),
      from: options.from,
      gasLimit: options.gasLimit,
    });
    if (result.status !== 'ok') throw new ContractCallError(name, result);
    return decodeMethodResult(method, result.returnData);
  };
  const send = async (name: string, args?: MethodArgs, options: SendOptions = {}): Promise<ContractReceipt> => {
    const method = find(name);
    const input = encodeMethodArgs(method, args);
    if (!signer)
      throw new ClientError('NO_SIGNER', `send.${name} needs a signer: contract(client, address, { signer })`);
    const receipt = await signer.send({ kind: 'call', to: address, method: name, args: input, ...options });
    return withValue(receipt, method);
  };
  return {
    address,
    interface: iface,
    call: methodTable((name) => (args, options) => call(name, args, options)),
    send: methodTable((name) => (args, options) => send(name, args, options)),
  };
}

/** A proxy whose every string property is a method; unknown ones reject when called. Never a thenable. */
function methodTable<F>(make: (name: string) => F): Readonly<Record<string, F>> {
  return new Proxy({} as Record<string, F>, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      return make(property);
    },
  });
}

function withValue(receipt: Receipt, method: MethodInterface | undefined): ContractReceipt {
  let value: unknown;
  if (receipt.status === 'ok' && method) {
    try {
      value = decodeMethodResult(method, receipt.returnData);
    } catch {
      value = undefined;
    }
  }
  return { ...receipt, value };
}

/** The `gasket:interface` metadata in a module's custom section, or undefined when it has none or it is not JSON. */
export function readInterface(code: BytesLike): ContractInterface | undefined {
  let sections: ArrayBuffer[];
  try {
    sections = WebAssembly.Module.customSections(new WebAssembly.Module(bytesOf(code, 'code')), INTERFACE_SECTION);
  } catch {
    return undefined;
  }
  if (sections.length === 0) return undefined;
  try {
    return asContractInterface(JSON.parse(new TextDecoder().decode(sections[0]!)));
  } catch {
    return undefined;
  }
}

export type DeployParams = SendOptions & {
  readonly code: BytesLike;
  /** Init args: named or positional (by the code's interface), or, without one, any value sent msgpack-encoded. */
  readonly args?: MethodArgs | unknown;
  readonly interface?: ContractInterface;
};

export type DeployResult = {
  readonly receipt: ContractReceipt;
  /** The contract's address (null only if the node did not report one). */
  readonly address: Hex | null;
  /** A handle when the deploy succeeded and there is interface metadata. */
  readonly contract: ContractHandle | undefined;
};

export async function deployContract(signer: Signer, params: DeployParams): Promise<DeployResult> {
  const code = bytesOf(params.code, 'code');
  const iface = params.interface ?? readInterface(code);
  const init = iface?.methods.find((method) => method.name === 'init');
  let args: Uint8Array;
  if (init) args = encodeMethodArgs(init, params.args as MethodArgs | undefined);
  else if (iface && params.args !== undefined) {
    throw new ClientError('BAD_ARGS', `${iface.name} has no init method, so it takes no deploy args`);
  } else args = encodeUntyped(params.args);
  const receipt = withValue(
    await signer.send({
      kind: 'deploy',
      code,
      args,
      value: params.value,
      gas: params.gas,
      gasPrice: params.gasPrice,
    }),
    init,
  );
  const address = receipt.contractAddress;
  return {
    receipt,
    address,
    contract:
      receipt.status === 'ok' && address && iface ? bindContract(signer.client, address, iface, signer) : undefined,
  };
}
