// Light and dark themes: the system's choice (prefers-color-scheme) unless the user toggled one (kept locally).

const KEY = 'pogo.theme';
const dark = (): MediaQueryList => matchMedia('(prefers-color-scheme: dark)');

/** The theme in force: `light` or `dark`. */
export function currentTheme(): 'light' | 'dark' {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

function show(theme: 'light' | 'dark'): void {
  document.documentElement.dataset.theme = theme;
  window.dispatchEvent(new Event('pogo:theme'));
}

/** At start: the stored choice, else the system's (followed while no choice is stored). */
export function applyStoredTheme(): void {
  const stored = localStorage.getItem(KEY);
  show(stored === 'light' || stored === 'dark' ? stored : dark().matches ? 'dark' : 'light');
  dark().addEventListener('change', (e) => {
    if (localStorage.getItem(KEY) === null) show(e.matches ? 'dark' : 'light');
  });
}

/** Switch to the other theme and remember it; canvases repaint on `pogo:theme`. */
export function toggleTheme(): void {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  localStorage.setItem(KEY, next);
  show(next);
}
