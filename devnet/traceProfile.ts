/**
 * Gas by host-call kind over a call tree: which storage writes, reads, hashes or nested calls dominate a
 * transaction's gas. Works on the VM's trace (bigint gas) and on its JSON form (decimal strings) alike, so the CLI
 * and the test kit print the same figures.
 * @module
 */

type ProfiledFrame = {
  readonly gasUsed: bigint | string;
  readonly hostCalls: readonly {
    readonly op: string;
    readonly gas: bigint | string;
    readonly call?: ProfiledFrame | null;
  }[];
};

export type HostCallProfileRow = { readonly op: string; readonly calls: number; readonly gas: bigint };

/**
 * Totals per host-call kind, largest gas first. A nested `call` counts only its own charge (the callee's gas is in
 * the callee's frame, whose host calls are counted in turn).
 */
export function hostCallProfile(trace: ProfiledFrame): HostCallProfileRow[] {
  const totals = new Map<string, { calls: number; gas: bigint }>();
  const visit = (frame: ProfiledFrame) => {
    for (const hostCall of frame.hostCalls) {
      const own = BigInt(hostCall.gas) - (hostCall.call ? BigInt(hostCall.call.gasUsed) : 0n);
      const entry = totals.get(hostCall.op) ?? { calls: 0, gas: 0n };
      entry.calls++;
      entry.gas += own;
      totals.set(hostCall.op, entry);
      if (hostCall.call) visit(hostCall.call);
    }
  };
  visit(trace);
  return [...totals]
    .map(([op, { calls, gas }]) => ({ op, calls, gas }))
    .sort((a, b) => (a.gas === b.gas ? a.op.localeCompare(b.op, 'en') : a.gas > b.gas ? -1 : 1));
}
