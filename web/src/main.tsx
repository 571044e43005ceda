import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { applyTheme, storedTheme } from './ui/theme';
import { prefetchCollections } from './collections/useCollections';
import { currentPath } from './lib/router';
import './ui/tokens.css';
import './styles.css';
import './ui/components.css';

applyTheme(storedTheme()); // before the first render: a pinned theme never flashes the OS one
prefetchCollections(currentPath()); // the first screen's data, requested while React renders

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
