// Whether a config text would make the server run programs, read its files or fetch URLs (tag sources): pushing one needs more trust.
import { parseAllDocuments, visit } from 'yaml';
import { tagSourceKind } from './tag-source.ts';

/**
 * True when any string value of the text is an external tag source (`command …`, `ansible …`, `http …`),
 * or when the text cannot be read as YAML (then nobody can tell, so the answer is the cautious one). Keys
 * and comments do not count.
 */
export function configRunsCommands(text: string): boolean {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  if (!Array.isArray(docs)) return true;
  let found = false;
  for (const doc of docs) {
    if (doc.errors.length > 0) return true;
    visit(doc, {
      Scalar(key, node) {
        if (key === 'key') return undefined;
        if (typeof node.value === 'string' && tagSourceKind(node.value) !== undefined) {
          found = true;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (found) return true;
  }
  return false;
}
