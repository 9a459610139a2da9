/**
 * Vitest setup for property tests: one fixed fast-check seed for every run of `npm test`, overridable with
 * FC_SEED, so a failure replays exactly. fast-check prints the seed and shrink path of any failure.
 * @module
 */
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? 20261124);
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_RUNS ?? 100) });
