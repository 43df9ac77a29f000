import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The Chinese web font, self-hosted and split by unicode-range: a page loads
// only the slices of the glyphs it shows. One weight; bold is synthesised.
import '@fontsource/noto-sans-sc/400.css';
import { App } from './app.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
