// A namespace's YAML: shown with line numbers; admins edit, validate (errors inline at their line) and push.
import { useState } from 'react';
import type { NamespaceVersion } from '../../../src/model/index.ts';
import { api, seg } from '../api/client.ts';

type Check =
  | { ok: true; hosts: number; tags: number; groups: number; chains: number }
  | { ok: false; code: string; message: string; line?: number; column?: number; hint?: string };

/** The config text; `canEdit` (admin on the namespace) adds editing. `onPushed` reloads the page's data. */
export function ConfigEditor({
  namespace,
  text,
  canEdit,
  onPushed,
}: {
  readonly namespace: string;
  readonly text: string;
  readonly canEdit: boolean;
  readonly onPushed: () => void;
}) {
  const [draft, setDraft] = useState<string | undefined>();
  const [check, setCheck] = useState<Check | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const shown = draft ?? text;
  const bad = check && !check.ok ? check : undefined;
  const run = async (what: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError('');
    try {
      await what();
    } catch (e: unknown) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const validate = () =>
    run(async () => {
      setCheck(
        await api<Check>(`/v1/namespaces/${seg(namespace)}/validate`, {
          method: 'POST',
          body: { text: shown },
        }),
      );
    });
  const push = () =>
    run(async () => {
      await api<NamespaceVersion>(`/v1/namespaces/${seg(namespace)}`, {
        method: 'PUT',
        body: { text: shown },
      });
      setDraft(undefined);
      setCheck(undefined);
      onPushed();
    });
  return (
    <section className="panel" aria-label="config">
      <header className="panel-head">
        <h2>Config</h2>
        {canEdit && draft === undefined && (
          <button type="button" onClick={() => setDraft(text)}>
            Edit
          </button>
        )}
        {draft !== undefined && (
          <span className="buttons">
            <button type="button" onClick={() => void validate()} disabled={busy}>
              Validate
            </button>
            <button type="button" className="primary" onClick={() => void push()} disabled={busy}>
              Push as a new version
            </button>
            <button type="button" onClick={() => (setDraft(undefined), setCheck(undefined))} disabled={busy}>
              Cancel
            </button>
          </span>
        )}
        {check?.ok && (
          <span className="ok">
            ✓ valid: {check.hosts} hosts, {check.tags} tags, {check.groups} groups, {check.chains} sequences
          </span>
        )}
      </header>
      {error && <p className="error">{error}</p>}
      {draft !== undefined ? (
        <textarea
          className="yaml-edit"
          aria-label="config text"
          spellCheck={false}
          value={draft}
          rows={Math.min(30, draft.split('\n').length + 2)}
          onChange={(e) => setDraft(e.target.value)}
        />
      ) : null}
      <ol className="yaml" aria-label={draft !== undefined ? 'preview' : 'config text'}>
        {shown.split('\n').map((line, i) => (
          <li key={i} data-error={bad?.line === i + 1}>
            <code>{line || ' '}</code>
            {bad?.line === i + 1 && (
              <div className="inline-error" role="alert">
                {bad.column !== undefined && `${'·'.repeat(Math.max(0, bad.column - 1))}^ `}
                {bad.code}: {bad.message}
                {bad.hint && <div className="muted">{bad.hint}</div>}
              </div>
            )}
          </li>
        ))}
      </ol>
      {bad && bad.line === undefined && (
        <p className="error" role="alert">
          {bad.code}: {bad.message}
        </p>
      )}
    </section>
  );
}
