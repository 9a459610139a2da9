/**
 * Benchmark kernel: the Keccak-f[1600] permutation (24 rounds over 25 u64 lanes in linear memory), applied n
 * times to a state that starts at zero. 64-bit xors, rotates, loads and stores.
 * bench/metering.ts checks run(1) against the known first lane of Keccak-f applied to the zero state.
 * AssemblyScript, integers only; compiled by bench/metering.ts at bench time.
 * @module
 */

const STATE = memory.data(25 * 8, 8);
const C = memory.data(5 * 8, 8);
const B = memory.data(25 * 8, 8);
const RC: usize = memory.data<u64>([
  0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000, 0x000000000000808b,
  0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008a, 0x0000000000000088,
  0x0000000080008009, 0x000000008000000a, 0x000000008000808b, 0x800000000000008b, 0x8000000000008089,
  0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
  0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]);
/** Rotation offsets, indexed by lane x + 5y. */
const ROT: usize = memory.data<u8>([0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14]);

@inline
function lane(base: usize, i: i32): u64 {
  return load<u64>(base + (<usize>i << 3));
}

@inline
function setLane(base: usize, i: i32, v: u64): void {
  store<u64>(base + (<usize>i << 3), v);
}

function permute(): void {
  for (let round = 0; round < 24; round++) {
    // theta
    for (let x = 0; x < 5; x++) {
      setLane(C, x, lane(STATE, x) ^ lane(STATE, x + 5) ^ lane(STATE, x + 10) ^ lane(STATE, x + 15) ^ lane(STATE, x + 20));
    }
    for (let x = 0; x < 5; x++) {
      const d = lane(C, (x + 4) % 5) ^ rotl<u64>(lane(C, (x + 1) % 5), 1);
      for (let y = 0; y < 25; y += 5) setLane(STATE, x + y, lane(STATE, x + y) ^ d);
    }
    // rho and pi: B[y, 2x + 3y] = rot(A[x, y])
    for (let x = 0; x < 5; x++) {
      for (let y = 0; y < 5; y++) {
        const i = x + 5 * y;
        setLane(B, y + 5 * ((2 * x + 3 * y) % 5), rotl<u64>(lane(STATE, i), <u64>load<u8>(ROT + <usize>i)));
      }
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x++) {
        setLane(STATE, x + y, lane(B, x + y) ^ (~lane(B, ((x + 1) % 5) + y) & lane(B, ((x + 2) % 5) + y)));
      }
    }
    // iota
    setLane(STATE, 0, lane(STATE, 0) ^ lane(RC, round));
  }
}

/** Zeroes the state, permutes it n times, returns lane 0. */
export function run(n: i32): i64 {
  memory.fill(STATE, 0, 25 * 8);
  for (let r = 0; r < n; r++) permute();
  return <i64>lane(STATE, 0);
}
