/**
 * The explorer's shell: a header with the navigation and the search box, and the page for the current route
 * (`#/`, `#/block/<height|hash>`, `#/tx/<hash>`, `#/address/<address>`, `#/dev`, anything else: not found).
 * @module
 */
import { useState } from 'preact/hooks';
import { ChainProvider, useChain } from './chain.js';
import { formatInteger } from './format.js';
import { useHashRoute } from './hooks.js';
import { client } from './node.js';
import { AccountPage } from './pages/AccountPage.js';
import { BlockPage } from './pages/BlockPage.js';
import { DevPage } from './pages/DevPage.js';
import { Overview } from './pages/Overview.js';
import { TxPage } from './pages/TxPage.js';
import { resolveQuery } from './search.js';
import { NotFound } from './ui.js';

function SearchBox() {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="search"
      onSubmit={(event) => {
        event.preventDefault();
        if (text.trim() === '') return;
        setBusy(true);
        resolveQuery(client, text)
          .then(
            (route) => {
              window.location.hash = route;
            },
            () => {
              window.location.hash = `#/notfound/${encodeURIComponent(text.trim())}`;
            },
          )
          .finally(() => setBusy(false));
      }}
    >
      <input
        name="q"
        data-testid="search"
        placeholder="Block height, transaction or block hash, address"
        value={text}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
      />
      <button type="submit" disabled={busy}>
        Search
      </button>
    </form>
  );
}

function Header() {
  const { head, live } = useChain();
  return (
    <header>
      <a class="brand" href="#/">
        Gasket explorer
      </a>
      <nav>
        <a href="#/">Overview</a>
        <a href="#/dev">Dev controls</a>
      </nav>
      <span class="head-status muted">
        {head ? `block ${formatInteger(head.height)}` : '…'} {live ? '● live' : ''}
      </span>
      <SearchBox />
    </header>
  );
}

function Page() {
  const [page = '', id = ''] = useHashRoute();
  switch (page) {
    case '':
      return <Overview />;
    case 'block':
      return <BlockPage id={id} />;
    case 'tx':
      return <TxPage hash={id} />;
    case 'address':
    case 'contract':
      return <AccountPage address={id} />;
    case 'dev':
      return <DevPage />;
    case 'notfound':
      return <NotFound what={id} />;
    default:
      return <NotFound what={window.location.hash.slice(1)} />;
  }
}

export function App() {
  return (
    <ChainProvider>
      <Header />
      <main>
        <Page />
      </main>
      <footer class="muted">Node: {client.url}</footer>
    </ChainProvider>
  );
}
