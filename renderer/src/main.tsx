import { createRoot } from 'react-dom/client';
import { App } from './components/App.tsx';
import { bridge } from './bridge-client.ts';
import { useApp } from './store.ts';
import './styles.css';

// The host pushes the whole session on every change; errors become notices naming the file.
bridge.on('session', (s) => useApp.getState().setSession(s));
bridge.on('error', ({ file, reason }) => useApp.getState().notify(file, reason));
bridge.request('getSession', {}).then(
  (s) => useApp.getState().setSession(s),
  // Browser mode opened without its token (a copied address: the token never stays in the URL).
  (e: Error) => useApp.getState().notify('TraceDeck', e.message),
);

createRoot(document.getElementById('root')!).render(<App />);
