/**
 * The explorer's entry: renders the App into the page. Built by Vite (devnet/explorer/vite.config.ts) into
 * dist/explorer/ and served by the devnet at its RPC port.
 * @module
 */
import { render } from 'preact';
import { App } from './App.js';
import './style.css';

render(<App />, document.getElementById('app')!);
