// Whether a config text would run programs when loaded (`command …` tag sources): pushing one needs more trust.
import { parseAllDocuments, visit } from 'yaml';
import { tagSourceCommand } from './tag-source.ts';

/**
 * True when any string value of the text is a `command …` tag source, or when the text cannot be read as
 * YAML (then nobody can tell, so the answer is the cautious one). Keys and comments do not count.
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
        if (typeof node.value === 'string' && tagSourceCommand(node.value) !== undefined) {
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
