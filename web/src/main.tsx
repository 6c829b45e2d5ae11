// Entry point: theme, session, then the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadSession } from './api/session.ts';
import { App } from './app.tsx';
import { applyStoredTheme } from './lib/theme.ts';
import './styles.css';

applyStoredTheme();
void loadSession();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
