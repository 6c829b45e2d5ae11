// Property tests of target expressions: random expressions in every spelling against a reference model of the set algebra.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceConfig } from '../model/config.ts';
import { isPogoError } from '../model/errors.ts';
import { parseConfig } from './parse-config.ts';
import { formatTargetItems, parseTargetExpression } from './target-expression.ts';
import type { TargetItem } from './target-expression.ts';
import { resolveTargets } from './targets.ts';

const TAGS: Record<string, string[]> = {
  t0: ['h1', 'h2', 'h3', 'h4'],
  t1: ['h3', 'h4', 'h5', 'h6'],
  t2: ['h2', 'h5', 'h7'],
  t3: ['h8', 'h1'],
};
let config: NamespaceConfig;

beforeAll(async () => {
  const lines = Object.entries(TAGS).map(([tag, hosts]) => `  ${tag}: [${hosts.join(', ')}]`);
  config = await parseConfig(`tag:\n${lines.join('\n')}\n`, { source: 'prop.yaml' });
});

/** An operand and the hosts the reference model gives it. */
interface Atom {
  readonly text: string;
  readonly hosts: readonly string[];
}

const atom: fc.Arbitrary<Atom> = fc.oneof(
  fc.constantFrom(...Object.keys(TAGS)).map((t) => ({ text: `$${t}`, hosts: TAGS[t] ?? [] })),
  fc.integer({ min: 1, max: 9 }).map((n) => ({ text: `h${n}`, hosts: [`h${n}`] })),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 3 })).map(([a, d]) => ({
    text: `h[${a}-${a + d}]`,
    hosts: Array.from({ length: d + 1 }, (_, i) => `h${a + i}`),
  })),
);

interface ModelItem {
  readonly negated: boolean;
  readonly atoms: readonly Atom[];
}

const item: fc.Arbitrary<ModelItem> = fc.record({
  negated: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))), // about a quarter negated
  atoms: fc.array(atom, { minLength: 1, maxLength: 3 }),
});
const expression = fc.array(item, { minLength: 1, maxLength: 5 });

/** How the items and terms are written: commas or spaces, with or without spaces around `&` and after `!`. */
const spelling: fc.Arbitrary<Spelling> = fc.record({
  items: fc.array(fc.constantFrom(',', ' ', ' , ', '  ', ', ', '\t'), { minLength: 5, maxLength: 5 }),
  amp: fc.constantFrom('&', ' & ', '& ', ' &'),
  bang: fc.constantFrom('!', '! '),
  edges: fc.constantFrom('', ' ', ','),
});

interface Spelling {
  readonly items: readonly string[];
  readonly amp: string;
  readonly bang: string;
  readonly edges: string;
}

function render(items: readonly ModelItem[], s: Spelling | undefined): string {
  const sep = (i: number): string => s?.items[i % 5] ?? ',';
  const text = items
    .map((it) => (it.negated ? (s?.bang ?? '!') : '') + it.atoms.map((a) => a.text).join(s?.amp ?? '&'))
    .reduce((acc, part, i) => (i === 0 ? part : acc + sep(i) + part), '');
  return `${s?.edges ?? ''}${text}${s?.edges ?? ''}`;
}

/** The reference model: each item the intersection of its operands in the first one's order; the union of the plain items in first-appearance order, minus every negated item. */
function reference(items: readonly ModelItem[]): string[] {
  const hostsOf = (it: ModelItem): string[] => {
    const [first, ...rest] = it.atoms;
    return (first?.hosts ?? []).filter((h) => rest.every((a) => a.hosts.includes(h)));
  };
  const included = [...new Set(items.filter((i) => !i.negated).flatMap(hostsOf))];
  const excluded = new Set(items.filter((i) => i.negated).flatMap(hostsOf));
  return included.filter((h) => !excluded.has(h));
}

/** The hosts, or [] for TARGETS_EMPTY (any other error fails the property). */
async function resolve(expr: string): Promise<string[]> {
  try {
    return await resolveTargets(expr, { config });
  } catch (e: unknown) {
    if (isPogoError(e, 'TARGETS_EMPTY')) return [];
    throw e;
  }
}

const RUNS = { numRuns: 300 };

describe('target expressions against the reference model', () => {
  it('resolve every spelling to the model’s hosts, in its order', async () => {
    await fc.assert(
      fc.asyncProperty(expression, spelling, async (items, s) => {
        expect(await resolve(render(items, s))).toEqual(reference(items));
      }),
      RUNS,
    );
  });

  it('& is commutative and associative as a set, and idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(atom, { minLength: 2, maxLength: 4 }), async (atoms) => {
        const one = new Set(await resolve(render([{ negated: false, atoms }], undefined)));
        const reversed = new Set(
          await resolve(render([{ negated: false, atoms: [...atoms].reverse() }], undefined)),
        );
        const doubled = new Set(
          await resolve(render([{ negated: false, atoms: [...atoms, ...atoms] }], undefined)),
        );
        expect(reversed).toEqual(one);
        expect(doubled).toEqual(one);
      }),
      RUNS,
    );
  });

  it('union is idempotent, and an exclusion applies wherever it stands', async () => {
    await fc.assert(
      fc.asyncProperty(expression, spelling, async (items, s) => {
        const e = render(items, s);
        expect(await resolve(`${e} ${e}`)).toEqual(await resolve(e));
        const excludedFirst = [...items.filter((i) => i.negated), ...items.filter((i) => !i.negated)];
        expect(await resolve(render(excludedFirst, s))).toEqual(await resolve(e));
      }),
      RUNS,
    );
  });

  it('A !B is the difference, and A !A names nothing', async () => {
    await fc.assert(
      fc.asyncProperty(atom, atom, async (a, b) => {
        const diff = await resolve(`${a.text} !${b.text}`);
        expect(diff).toEqual(a.hosts.filter((h) => !b.hosts.includes(h)));
        expect(await resolve(`${a.text} !${a.text}`)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('format and parse are inverses', () => {
    fc.assert(
      fc.property(expression, spelling, (items, s) => {
        const parsed: TargetItem[] = parseTargetExpression(render(items, s));
        expect(parseTargetExpression(formatTargetItems(parsed))).toEqual(parsed);
        expect(parsed.map((p) => p.terms.map((t) => t.text))).toEqual(
          items.map((i) => i.atoms.map((a) => a.text)),
        );
      }),
      RUNS,
    );
  });
});

describe('target expression errors', () => {
  it.each([
    ['$t0 &', /an empty term \(nothing after "&" or "!"\)/],
    ['& $t0', /an empty term \(nothing before "&"\)/],
    ['$t0 & !h1', /"!" inside an intersection/],
    ['$t0 !', /an empty term/],
  ])('%s → %s', (expr, message) => {
    expect(() => parseTargetExpression(expr)).toThrow(message);
  });

  it('keeps commas and spaces inside brackets and braces with the pattern', () => {
    expect(parseTargetExpression('web[1-3,7] {a,b}.x').map((i) => i.terms[0]?.text)).toEqual([
      'web[1-3,7]',
      '{a,b}.x',
    ]);
  });
});
