// Entry point: mounts the console.
import { render } from 'preact';
import { App } from './components/App';

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
