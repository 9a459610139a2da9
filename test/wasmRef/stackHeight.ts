/**
 * The oracle's reading of SPEC.md's stack limit: a function's frame cost is `frameBase (4) + params + declared
 * locals + maximum operand-stack height`, the height computed from the code the way wasm validation tracks the
 * operand stack (block parameters stay on it; after br, br_table, return and unreachable the stack is cut back to the
 * enclosing block's base and pops below it are free, as on validation's polymorphic stack; pushes there still count).
 * Written from the wasm spec and SPEC.md, not from metering/'s walker.
 * @module
 */
import type { FuncType, Instr, RefModule } from '../../vm/index.js';

/** SPEC.md, "Stack limit": frameBase. */
export const REF_FRAME_BASE = 4;

/** Operand-stack effect (pops, pushes) of the instructions whose effect does not depend on types. */
function effect(op: number): readonly [number, number] {
  if (op === 0x01 || op === 0xfc09) return [0, 0]; // nop, data.drop
  if (op === 0x1a) return [1, 0]; // drop
  if (op === 0x1b) return [3, 1]; // select
  if (op === 0x20 || op === 0x23 || op === 0x3f || op === 0x41 || op === 0x42) return [0, 1];
  if (op === 0x21 || op === 0x24) return [1, 0];
  if (op === 0x22 || op === 0x40) return [1, 1]; // local.tee, memory.grow
  if (op >= 0x28 && op <= 0x35) return [1, 1]; // loads
  if (op >= 0x36 && op <= 0x3e) return [2, 0]; // stores
  if (op === 0x45 || op === 0x50) return [1, 1]; // eqz
  if ((op >= 0x46 && op <= 0x4f) || (op >= 0x51 && op <= 0x5a)) return [2, 1]; // comparisons
  if ((op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7b)) return [1, 1]; // clz, ctz, popcnt
  if ((op >= 0x6a && op <= 0x78) || (op >= 0x7c && op <= 0x8a)) return [2, 1]; // binary arithmetic
  if (op === 0xa7 || op === 0xac || op === 0xad || (op >= 0xc0 && op <= 0xc4)) return [1, 1]; // conversions
  if (op === 0xfc08 || op === 0xfc0a || op === 0xfc0b) return [3, 0]; // memory.init, copy, fill
  throw new Error(`no stack effect for opcode 0x${op.toString(16)}`);
}

/** Maximum operand-stack height of a function body. */
export function maxOperandHeight(code: readonly Instr[], module: RefModule): number {
  const typeOf = (index: number): FuncType =>
    index < module.imports.length ? module.imports[index]!.type : module.funcs[index - module.imports.length]!.type;
  /** Per open block: base height (below its parameters), parameters, results. */
  const blocks: { base: number; params: number; results: number }[] = [{ base: 0, params: 0, results: 0 }];
  let height = 0;
  let max = 0;
  const pop = (n: number) => {
    height = Math.max(height - n, blocks[blocks.length - 1]!.base);
  };
  const push = (n: number) => {
    height += n;
    if (height > max) max = height;
  };
  const unreachable = () => {
    height = blocks[blocks.length - 1]!.base;
  };
  for (const ins of code) {
    const op = ins.op;
    switch (op) {
      case 0x00:
      case 0x0c:
      case 0x0f:
        unreachable();
        break;
      case 0x02:
      case 0x03:
      case 0x04: {
        if (op === 0x04) pop(1);
        pop(ins.a);
        const base = height;
        push(ins.a);
        blocks.push({ base, params: ins.a, results: ins.b });
        break;
      }
      case 0x05: {
        const block = blocks[blocks.length - 1]!;
        height = block.base;
        push(block.params);
        break;
      }
      case 0x0b: {
        const block = blocks.pop()!;
        height = block.base;
        if (blocks.length > 0) push(block.results);
        break;
      }
      case 0x0d:
        pop(1);
        break;
      case 0x0e:
        pop(1);
        unreachable();
        break;
      case 0x10: {
        const type = typeOf(ins.a);
        pop(type.params.length);
        push(type.results.length);
        break;
      }
      case 0x11: {
        const type = module.types[ins.a]!;
        pop(1 + type.params.length);
        push(type.results.length);
        break;
      }
      default: {
        const [pops, pushes] = effect(op);
        pop(pops);
        push(pushes);
      }
    }
  }
  return max;
}

/** SPEC.md's frame cost of defined function `definedIndex`. */
export function specFrameCost(module: RefModule, definedIndex: number): number {
  const fn = module.funcs[definedIndex]!;
  return REF_FRAME_BASE + fn.type.params.length + fn.locals.length + maxOperandHeight(fn.code, module);
}
