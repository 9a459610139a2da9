/**
 * The error a promise rejects with, for asserting on typed errors; fails the test if the promise resolves.
 * @module
 */

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields (code, rpcCode) off the error
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
