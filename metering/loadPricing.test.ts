/**
 * Schedule 4 prices a load by the memory it can reach (the module's maximum under the cap): a module with the same
 * code and a different declared maximum pays a different weight per load, exactly the class's weight.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { instantiateMetered, loadWat, runReference, wat } from '../test/index.js';
import {
  CURRENT_SCHEDULE,
  DEFAULT_LIMITS,
  instrument,
  loadWeightFor,
  SCHEDULE_V3,
  SCHEDULE_V4,
  scheduleForMemory,
} from './index.js';

beforeAll(loadWat);

const LOADS = 10;
const loads = (max: string) =>
  wat(`(module (memory 1 ${max})
    (func (export "run") (result i32) (local $a i32)
      ${'(local.set $a (i32.load (local.get $a)))'.repeat(LOADS)}
      (local.get $a)))`);

async function gasOf(bytes: Uint8Array, options: Parameters<typeof instrument>[1] = {}): Promise<bigint> {
  const metered = await instantiateMetered(instrument(bytes, options).code);
  const outcome = metered.call('run', [], 1_000_000n);
  expect(outcome.status).toBe('ok');
  return outcome.gasUsed;
}

describe('loads priced by reachable memory (schedule 4)', () => {
  it('each class charges its weight per load, and the rest of the code the same', async () => {
    const classes = CURRENT_SCHEDULE.loadWeightByMemory!;
    const base = await gasOf(loads('1'));
    // Sizes at and just past every class boundary, and no declared maximum (capped at maxMemoryPages).
    const sizes: [string, number][] = [
      ['1', 1],
      ['2', 2],
      ['4', 4],
      ['5', 5],
      ['16', 16],
      ['17', 17],
      ['', DEFAULT_LIMITS.maxMemoryPages],
    ];
    for (const [max, pages] of sizes) {
      const gas = await gasOf(loads(max));
      const expected = base + BigInt(LOADS * (loadWeightFor(classes, pages) - loadWeightFor(classes, 1)));
      expect([max, gas]).toEqual([max, expected]);
      // The oracle, written from SPEC.md, counts the same.
      const ref = runReference(loads(max), 'run', [], { memoryCapPages: DEFAULT_LIMITS.maxMemoryPages });
      expect([max, ref.gas]).toEqual([max, gas]);
    }
    // The classes differ, so the test above can tell them apart.
    expect(new Set(classes.map((cls) => cls.weight)).size).toBe(classes.length);
  });

  it('a lower memory cap moves a module without a declared maximum into a cheaper class', async () => {
    const capped = await gasOf(loads(''), { limits: { maxMemoryPages: 4 } });
    const uncapped = await gasOf(loads(''));
    const classes = CURRENT_SCHEDULE.loadWeightByMemory!;
    expect(uncapped - capped).toBe(BigInt(LOADS * (loadWeightFor(classes, 64) - loadWeightFor(classes, 4))));
  });

  it('schedules without classes keep one load weight; a class schedule is cached per class', () => {
    expect(scheduleForMemory(SCHEDULE_V3, 1)).toBe(SCHEDULE_V3);
    expect(scheduleForMemory(SCHEDULE_V4, 2)).toBe(scheduleForMemory(SCHEDULE_V4, 3));
    expect(scheduleForMemory(SCHEDULE_V4, 1).weights.load).toBe(SCHEDULE_V4.loadWeightByMemory![0]!.weight);
    expect(scheduleForMemory(SCHEDULE_V4, 65_536).weights.load).toBe(SCHEDULE_V4.weights.load);
    expect(SCHEDULE_V4.loadWeightByMemory!.at(-1)!.maxPages).toBe(65_536);
  });

  it('records schedule 4 in what it instruments', async () => {
    expect(instrument(loads('1')).scheduleVersion).toBe(4);
    // Schedule 3 still meters with its flat load weight when asked for.
    const v3 = await gasOf(loads('1'), { schedule: SCHEDULE_V3 });
    const v4 = await gasOf(loads('1'), { schedule: SCHEDULE_V4 });
    expect(v4 - v3).toBe(BigInt(LOADS * (SCHEDULE_V4.loadWeightByMemory![0]!.weight - SCHEDULE_V3.weights.load!)));
  });
});
