// The keyboard keys, shown with `?`.
import { useEffect, useRef } from 'react';

const KEYS: readonly [string, string][] = [
  ['g d', 'dashboard (jobs)'],
  ['g n', 'namespaces'],
  ['/', 'filter or search'],
  ['j / k', 'next / previous row (jobs, hosts)'],
  ['Enter', 'open the job'],
  ['Esc', 'close the host output, leave a field'],
  ['o', 'job page: grouped output / hosts'],
  ['t', 'light / dark theme'],
  ['?', 'this help'],
];

/** A modal list of the keys. */
export function HelpDialog({ onClose }: { readonly onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (ref.current && !ref.current.open) ref.current.showModal();
  }, []);
  return (
    <dialog ref={ref} className="dialog" onClose={onClose} aria-label="keyboard keys">
      <h2>Keyboard</h2>
      <table>
        <tbody>
          {KEYS.map(([k, what]) => (
            <tr key={k}>
              <td>
                <kbd>{k}</kbd>
              </td>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-buttons">
        <button type="button" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
