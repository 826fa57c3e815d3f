import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

async function start() {
  // `vite dev` without the Go side: install an in-memory fake backend.
  // import.meta.env.DEV is statically false in production builds, so the fake
  // (and its demo data) is tree-shaken out of dist/.
  if (import.meta.env.DEV && !window.go) {
    const { installFakeBackend } = await import('./dev/fakeBackend');
    installFakeBackend(window);
    console.info('[paved] window.go missing: using the in-memory fake backend (dev only)');
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
