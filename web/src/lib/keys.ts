// Keyboard shortcuts: one listener, ignoring keys typed into fields; `g` then a letter goes to a page.
import { useEffect, useRef } from 'react';

/** Key → handler. Keys are `KeyboardEvent.key` values (`j`, `Escape`, `/`, `?`) or `g d` for a sequence. */
export type KeyMap = Readonly<Record<string, (e: KeyboardEvent) => void>>;

function typing(e: KeyboardEvent): boolean {
  const t = e.target;
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);
}

/** Listen while mounted. Esc works inside fields too (it leaves them). */
export function useKeys(map: KeyMap): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    let prefix = '';
    let at = 0;
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e)) {
        if (e.key === 'Escape' && e.target instanceof HTMLElement) e.target.blur();
        return;
      }
      const key = prefix !== '' && e.timeStamp - at < 1500 ? `${prefix} ${e.key}` : e.key;
      prefix = '';
      const handler = ref.current[key];
      if (handler) {
        e.preventDefault();
        handler(e);
      } else if (e.key === 'g') {
        prefix = 'g';
        at = e.timeStamp;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Focus the element marked `data-hotkey="/"` (the page's filter box). */
export function focusFilter(): void {
  const el = document.querySelector<HTMLElement>('[data-hotkey="/"]');
  el?.focus();
}
