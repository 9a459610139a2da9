/**
 * A form for one contract method, generated from its interface entry: a text field per argument with its type
 * as the hint. Fields are parsed by type (args.ts) on submit and a bad one shows its error beside it, with
 * nothing sent. A read-only method runs through `contract_call` and shows the decoded value (or the revert
 * message); a writing method is sent through `dev_sendUnsigned` from the chosen dev account and shows the
 * receipt once mined.
 * @module
 */
import { useState } from 'preact/hooks';
import {
  type ContractInterface,
  encodeMethodArgs,
  type MethodInterface,
  type Receipt,
  toHexString,
} from '../../client/browser.js';
import { argHint, parseArg, parseMethodForm } from './args.js';
import { formatInteger, formatValue } from './format.js';
import { decodeReturn } from './interfaces.js';
import { client } from './node.js';
import { ReceiptView } from './ReceiptView.js';
import { ErrorBox, Hex, Status } from './ui.js';

type Outcome =
  | {
      readonly kind: 'call';
      readonly status: string;
      readonly text: string;
      readonly gas: bigint;
      readonly logs: readonly string[];
      readonly error: string | undefined;
    }
  | { readonly kind: 'sent'; readonly receipt: Receipt; readonly gasLimit: bigint }
  | { readonly kind: 'failed'; readonly message: string };

export function MethodForm({
  contract,
  method,
  contractInterface,
  from,
}: {
  contract: string;
  method: MethodInterface;
  contractInterface: ContractInterface;
  /** The dev account index that signs writing calls; undefined when the node has no dev accounts. */
  from: number | undefined;
}) {
  const [fields, setFields] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  // the native amount sent with a writing call (empty: none)
  const [value, setValue] = useState('');
  const [valueError, setValueError] = useState<string | undefined>();

  const submit = async (event: Event) => {
    event.preventDefault();
    const parsed = parseMethodForm(method, fields);
    const parsedValue = value.trim() === '' ? undefined : parseArg(value, 'u128', 'value');
    setValueError(parsedValue && !parsedValue.ok ? parsedValue.error : undefined);
    if (!parsed.ok || (parsedValue && !parsedValue.ok)) {
      setErrors(parsed.ok ? {} : parsed.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    setOutcome(undefined);
    try {
      const args = encodeMethodArgs(method, parsed.args);
      if (method.readOnly) {
        const result = await client.call({ contract, method: method.name, args });
        const decoded = decodeReturn(method, result.returnData);
        setOutcome({
          kind: 'call',
          status: result.status,
          text: decoded.ok ? formatValue(decoded.value, false) : toHexString(result.returnData),
          gas: result.gasUsed,
          logs: result.logs,
          error: result.error ? `${result.error.code}: ${result.error.message}` : undefined,
        });
      } else {
        if (from === undefined) throw new Error('this node has no dev accounts to send from (dev methods are off)');
        const hash = await client.dev.sendUnsigned({
          from,
          kind: 'call',
          to: contract,
          method: method.name,
          args,
          ...(parsedValue?.ok ? { value: parsedValue.value as bigint } : {}),
        });
        const [receipt, tx] = await Promise.all([
          client.waitForReceipt(hash, { pollMs: 250 }),
          client.getTransaction(hash),
        ]);
        setOutcome({ kind: 'sent', receipt, gasLimit: tx?.gasLimit ?? 0n });
      }
    } catch (error) {
      setOutcome({ kind: 'failed', message: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="method" data-testid={`method-${method.name}`} onSubmit={submit} noValidate>
      <div class="method-head">
        <code class="method-name">{method.name}</code>
        <span class="muted">
          ({method.args.map((a) => `${a.name}: ${a.type}`).join(', ')}) → {method.returns}
        </span>
        <span class={`badge ${method.readOnly ? '' : 'write'}`}>{method.readOnly ? 'read' : 'write'}</span>
      </div>
      {method.args.map((arg) => (
        <label key={arg.name} class="field">
          <span>{arg.name}</span>
          <input
            name={arg.name}
            placeholder={argHint(arg.type)}
            value={fields[arg.name] ?? ''}
            aria-invalid={errors[arg.name] ? 'true' : undefined}
            onInput={(e) => setFields({ ...fields, [arg.name]: (e.target as HTMLInputElement).value })}
          />
          {errors[arg.name] ? (
            <span class="field-error" data-testid={`error-${arg.name}`}>
              {errors[arg.name]}
            </span>
          ) : null}
        </label>
      ))}
      {method.readOnly ? null : (
        <label class="field">
          <span class="muted">value</span>
          <input
            name="__value"
            placeholder="amount sent with the call (default 0)"
            value={value}
            aria-invalid={valueError ? 'true' : undefined}
            onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          />
          {valueError ? (
            <span class="field-error" data-testid="error-value">
              {valueError}
            </span>
          ) : null}
        </label>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Working…' : method.readOnly ? 'Call' : 'Send'}
      </button>
      {outcome?.kind === 'failed' ? <ErrorBox error={outcome.message} /> : null}
      {outcome?.kind === 'call' ? (
        <div class="call-result" data-testid={`result-${method.name}`}>
          <Status status={outcome.status} /> <code class="decoded">{outcome.text}</code>{' '}
          <span class="muted">({formatInteger(outcome.gas)} gas)</span>
          {outcome.error ? <div class="error-text">{outcome.error}</div> : null}
          {outcome.logs.length > 0 ? <pre class="logs">{outcome.logs.join('\n')}</pre> : null}
        </div>
      ) : null}
      {outcome?.kind === 'sent' ? (
        <div class="sent" data-testid={`sent-${method.name}`}>
          <p>
            Sent <Hex value={outcome.receipt.txHash} href={`#/tx/${outcome.receipt.txHash}`} />
          </p>
          <ReceiptView
            receipt={outcome.receipt}
            gasLimit={outcome.gasLimit}
            method={method.name}
            contractInterface={contractInterface}
          />
        </div>
      ) : null}
    </form>
  );
}
