/**
 * Contract interface metadata: the methods of a contract, their argument and return types (msgpack types of the
 * SDK) and whether they only read. The build writes it into the module as the custom section `gasket:interface`
 * (UTF-8 JSON, keys in a fixed order), which metering keeps, so a deployed contract describes itself.
 * @module
 */

/** Types of the SDK's msgpack codec; `T[]` is an array of T; `map` and `any` are left unchecked. */
export type AbiType = string;

export type MethodInterface = {
  readonly name: string;
  readonly args: readonly { readonly name: string; readonly type: AbiType }[];
  /** `nil` when the method returns nothing. */
  readonly returns: AbiType;
  /** True when the method never writes (it may run as a read-only call). */
  readonly readOnly: boolean;
};

export type ContractInterface = {
  readonly version: 1;
  readonly name: string;
  readonly methods: readonly MethodInterface[];
  readonly events?: readonly { readonly topic: string; readonly data: AbiType }[];
};

export const INTERFACE_SECTION = 'gasket:interface';

const SCALARS = new Set(['nil', 'bool', 'u8', 'u16', 'u32', 'u64', 'i8', 'i16', 'i32', 'i64', 'u128']);
const OTHERS = new Set(['string', 'bytes', 'address', 'map', 'any']);

export function isAbiType(type: string): boolean {
  let base = type;
  while (base.endsWith('[]')) base = base.slice(0, -2);
  if (base.endsWith('?')) base = base.slice(0, -1);
  return SCALARS.has(base) || OTHERS.has(base);
}

/** Checks an interface and returns it normalised (fixed key order), or throws with what is wrong. */
export function normalizeInterface(value: ContractInterface): ContractInterface {
  if (value.version !== 1) throw new Error('interface: version must be 1');
  if (typeof value.name !== 'string' || value.name.length === 0) throw new Error('interface: name is required');
  const names = new Set<string>();
  const methods = value.methods.map((method) => {
    if (names.has(method.name)) throw new Error(`interface: method ${method.name} is listed twice`);
    names.add(method.name);
    for (const arg of method.args) {
      if (!isAbiType(arg.type)) throw new Error(`interface: ${method.name}(${arg.name}): unknown type ${arg.type}`);
    }
    if (!isAbiType(method.returns)) throw new Error(`interface: ${method.name}: unknown return type ${method.returns}`);
    return {
      name: method.name,
      args: method.args.map((arg) => ({ name: arg.name, type: arg.type })),
      returns: method.returns,
      readOnly: method.readOnly === true,
    };
  });
  const events = (value.events ?? []).map((event) => ({ topic: event.topic, data: event.data }));
  return { version: 1, name: value.name, methods, ...(events.length > 0 ? { events } : {}) };
}

export function encodeInterfaceSection(value: ContractInterface): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(normalizeInterface(value)));
}

export function decodeInterfaceSection(payload: Uint8Array): ContractInterface {
  return normalizeInterface(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload)) as ContractInterface);
}
