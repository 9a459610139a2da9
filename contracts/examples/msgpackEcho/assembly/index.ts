// msgpack test contract: exercises the SDK's codec against msgpackr on the client.
//   echo(value): decodes any value (nil, bool, integers, u128, str, bin, arrays, maps) and re-encodes it in the
//     SDK's shortest form; returns it.
//   typed(u64, i64, u128, string, bytes, bool, address): reads typed arguments, returns them as an array.
//   u128Math(a: u128, b: u128, m: u64): returns [a+b or nil, a-b or nil, a*m or nil, decimal a].
import {
  Args,
  Decoder,
  Encoder,
  input,
  Kind,
  returnEncoded,
  U128,
} from "../../../sdk/assembly";

function copy(d: Decoder, e: Encoder): void {
  const kind = d.kind();
  switch (kind) {
    case Kind.Nil:
      d.nil();
      e.nil();
      return;
    case Kind.Bool:
      e.bool(d.bool());
      return;
    case Kind.Uint:
      e.u64(d.u64());
      return;
    case Kind.Int:
      e.i64(d.i64());
      return;
    case Kind.BigInt:
      e.u128(d.u128());
      return;
    case Kind.Str:
      e.str(d.str());
      return;
    case Kind.Bin:
      e.bin(d.bin());
      return;
    case Kind.Array: {
      const n = d.array();
      e.array(n);
      for (let i = 0; i < n; i++) copy(d, e);
      return;
    }
    case Kind.Map: {
      const n = d.map();
      e.map(n);
      for (let i = 0; i < n; i++) {
        copy(d, e);
        copy(d, e);
      }
      return;
    }
  }
  d.fail("unsupported value");
}

export function echo(): void {
  const d = new Decoder(input(), "echo");
  const e = new Encoder();
  copy(d, e);
  d.end();
  returnEncoded(e);
}

export function typed(): void {
  const args = new Args();
  const a = args.u64();
  const b = args.i64();
  const c = args.u128();
  const s = args.string();
  const bytes = args.bytes();
  const flag = args.bool();
  const who = args.address();
  args.done();
  returnEncoded(new Encoder().array(7).u64(a).i64(b).u128(c).str(s).bin(bytes).bool(flag).address(who));
}

export function u128Math(): void {
  const args = new Args();
  const a = args.u128();
  const b = args.u128();
  const m = args.u64();
  args.done();
  const e = new Encoder().array(4);
  const sum = a.checkedAdd(b);
  if (sum == null) e.nil();
  else e.u128(sum);
  const difference = a.checkedSub(b);
  if (difference == null) e.nil();
  else e.u128(difference);
  const product = a.checkedMulU64(m);
  if (product == null) e.nil();
  else e.u128(product);
  e.str(a.toString());
  returnEncoded(e);
}
