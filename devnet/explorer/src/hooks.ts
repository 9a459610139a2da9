/**
 * Small hooks shared by the pages: `useAsync` runs a loader when its keys change and tracks loading, value and
 * error; `useHashRoute` follows `location.hash` (the page is one HTML file, so routes are `#/block/12` etc.);
 * `useNow` ticks once a second for relative times.
 * @module
 */
import { useEffect, useState } from 'preact/hooks';

export type AsyncState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'done'; readonly value: T }
  | { readonly status: 'error'; readonly error: Error };

export function useAsync<T>(load: () => Promise<T>, keys: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setState({ status: 'done', value }),
      (error: unknown) => live && setState({ status: 'error', error: error as Error }),
    );
    return () => {
      live = false;
    };
    // the caller names the keys that reload
  }, keys);
  return state;
}

export function useHashRoute(): string[] {
  const read = () => (window.location.hash.replace(/^#\/?/, '') || '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => {
      setRoute(read());
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function useNow(): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
