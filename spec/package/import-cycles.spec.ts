import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { LIB, ROOT, libFiles } from '../helpers/lib-files.js';

// The modules of lib/ form no cycle: the data flows one way (config → keyring → tokens →
// middleware and routes → stores behind an interface), so each module can be read, tested and
// moved knowing only what it imports. Type-only imports count: a cycle through types is the
// same knot for a reader, and the next value import along it makes it a load-order bug.
//
// Every module specifier counts: `import`, `import type`, `export … from`, `import('…')`
// (in a type or as a call) and `import x = require('…')`. Only relative ones resolve to lib/.

// The TypeScript modules of lib/ (not declaration files).
const modules = (dir: string): string[] => libFiles(dir).filter((path) => /\.(c|m)?ts$/.test(path) && !path.endsWith('.d.ts'));

/** Every module specifier written in a file. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) literal(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier → the file of lib/ it names (ESM specifiers name the .js of a .ts). */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(from), specifier);
  const candidates = [target.replace(/\.(c|m)?js$/, '.$1ts'), target, `${target}.ts`, join(target, 'index.ts')];
  const file = candidates.find((c) => existsSync(c) && c.startsWith(LIB) && /\.(c|m)?ts$/.test(c));
  if (!file) throw new Error(`${relative(ROOT, from)}: cannot resolve ${specifier}`);
  return file;
}

function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of modules(LIB)) {
    const targets = specifiers(file).map((s) => resolveSpecifier(file, s)).filter((t): t is string => t !== undefined);
    graph.set(relative(ROOT, file), new Set(targets.map((t) => relative(ROOT, t))));
  }
  return graph;
}

/** The strongly connected components of more than one module, or of one that imports itself (Tarjan). */
function cyclicComponents(graph: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.has(v)) components.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return components;
}

/** One cycle through the component's first module, as `a → b → a` (a shortest one, breadth first). */
function oneCycle(graph: Map<string, Set<string>>, component: readonly string[]): string {
  const start = component[0]!;
  const inside = new Set(component);
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)!) path.splice(1, 0, u);
        return [...path, start].join(' → ');
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

describe('lib/ imports', () => {
  let graph: Map<string, Set<string>>;
  before(() => {
    graph = importGraph();
  });

  it('finds the modules of lib/ and what they import, type-only imports and re-exports included', () => {
    expect(graph.get('lib/config/schema.ts')).to.include('lib/config/duration.ts');
    expect(graph.get('lib/config/types.ts'), 'import type').to.include('lib/keyring/keyring.ts');
    expect(graph.get('lib/config/types.ts'), 'export type … from').to.include('lib/config/throttle-options.ts');
    expect(graph.get('lib/index.ts')?.size).to.be.greaterThan(5);
  });

  it('form no cycle', () => {
    // Each knot of modules that reach one another, with one cycle through it to start from.
    const cycles = cyclicComponents(graph).map((component) => `${oneCycle(graph, component)} (all of: ${component.join(', ')})`);
    expect(cycles, `import cycles in lib/:\n${cycles.join('\n')}`).to.deep.equal([]);
  });
});
