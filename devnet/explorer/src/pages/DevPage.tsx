/**
 * Dev controls over the `dev_*` methods: mine blocks, set the next block's time or move time forward, turn
 * automine on or off, take snapshots and revert to one, and the funded dev accounts. Each action shows what the
 * node answered; on a node with dev methods off each shows the node's refusal.
 * @module
 */
import { useState } from 'preact/hooks';
import { useChain } from '../chain.js';
import { formatInteger } from '../format.js';
import { useAsync } from '../hooks.js';
import { client } from '../node.js';
import { Address, Card, ErrorBox, ListTable, Loading, Num } from '../ui.js';

function Action({
  label,
  run,
  children,
}: {
  label: string;
  run: () => Promise<string>;
  children?: preact.ComponentChildren;
}) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="dev-action"
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        run()
          .then(
            (text) => setMessage({ ok: true, text }),
            (error: Error) => setMessage({ ok: false, text: error.message }),
          )
          .finally(() => setBusy(false));
      }}
    >
      {children}
      <button type="submit" disabled={busy}>
        {label}
      </button>
      {message ? <span class={message.ok ? 'ok-text' : 'error-text'}>{message.text}</span> : null}
    </form>
  );
}

export function DevPage() {
  const { reload, head } = useChain();
  const [blocks, setBlocks] = useState('1');
  const [timestamp, setTimestamp] = useState('');
  const [seconds, setSeconds] = useState('3600');
  const [snapshots, setSnapshots] = useState<bigint[]>([]);
  const accounts = useAsync(() => client.dev.accounts(), [head?.hash]);
  return (
    <div>
      <Card title="Dev controls" testId="dev">
        <Action
          label="Mine"
          run={async () => `mined up to block ${formatInteger((await client.dev.mine(blocks)).height)}`}
        >
          <input size={6} value={blocks} onInput={(e) => setBlocks((e.target as HTMLInputElement).value)} /> blocks{' '}
        </Action>
        <Action
          label="Set next block time"
          run={async () => {
            await client.dev.setNextTimestamp(timestamp);
            return `the next block has time ${timestamp}`;
          }}
        >
          <input
            size={12}
            placeholder="Unix seconds"
            value={timestamp}
            onInput={(e) => setTimestamp((e.target as HTMLInputElement).value)}
          />{' '}
        </Action>
        <Action
          label="Move time forward"
          run={async () => {
            await client.dev.increaseTime(seconds);
            return `time moved ${seconds} s forward (seen at the next block)`;
          }}
        >
          <input size={8} value={seconds} onInput={(e) => setSeconds((e.target as HTMLInputElement).value)} /> seconds{' '}
        </Action>
        <Action
          label="Automine on"
          run={async () => `automine ${(await client.dev.setAutomine(true)) ? 'on' : 'off'}`}
        />
        <Action
          label="Automine off"
          run={async () => `automine ${(await client.dev.setAutomine(false)) ? 'on' : 'off'}`}
        />
        <Action
          label="Take snapshot"
          run={async () => {
            const id = await client.dev.snapshot();
            setSnapshots((current) => [...current, id]);
            return `snapshot ${id} at block ${head ? formatInteger(head.height) : '?'}`;
          }}
        />
        {snapshots.map((id) => (
          <Action
            key={String(id)}
            label={`Revert to snapshot ${id}`}
            run={async () => {
              const block = await client.dev.revert(id);
              setSnapshots((current) => current.filter((s) => s < id));
              reload();
              return `back at block ${formatInteger(block.height)}`;
            }}
          />
        ))}
      </Card>
      <Card title="Dev accounts">
        {accounts.status === 'loading' ? <Loading /> : null}
        {accounts.status === 'error' ? <ErrorBox error={accounts.error} /> : null}
        {accounts.status === 'done' ? (
          <ListTable headers={['#', 'Address', 'Balance']}>
            {accounts.value.map((account) => (
              <tr key={account.address}>
                <td>{account.index}</td>
                <td>
                  <Address value={account.address} />
                </td>
                <td>
                  <Num value={account.balance} />
                </td>
              </tr>
            ))}
          </ListTable>
        ) : null}
      </Card>
    </div>
  );
}
