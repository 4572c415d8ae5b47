import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';

// A token signed while mocha loads a file (at module level, in a describe body, in the loop that
// makes its `it`s) carries exp = load time + 60 s; on a busy 2-core machine the spec that sends
// it ran after it had expired, and failed for the clock. Tokens and the times in their claims are
// made inside it/before/beforeEach. This pins it for every file of spec/: a call below, made
// while the file loads, fails here with its file and line.
const MINTS = /^(handSign|forge|claims|signed|sign|mint\w*|issue\w*|nowSeconds|now)$/;

const root = join(import.meta.dirname, '..', '..');
const SUITES = new Set(['describe', 'context']);

function specFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return specFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The last name of a callee: `jwt.sign` → sign, `Date.now` → now. */
function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

/** A function passed to describe(): its body runs while the file loads. */
function isSuiteBody(fn: ts.Node): boolean {
  const call = fn.parent;
  if (!call || !ts.isCallExpression(call)) return false;
  const callee = ts.isPropertyAccessExpression(call.expression) ? call.expression.expression : call.expression; // describe.only
  return ts.isIdentifier(callee) && SUITES.has(callee.text);
}

/** `file:line name` for each minting call made while `file` loads. */
function loadTimeMints(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, name: string) => found.push(`${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${name}`);
  const visit = (node: ts.Node, loading: boolean): void => {
    // A function's body runs when it is called: at load only if it is a describe body.
    const inner = ts.isFunctionLike(node) ? loading && isSuiteBody(node) : loading;
    if (loading && ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      if (name && MINTS.test(name)) at(node, name);
    }
    if (loading && ts.isNewExpression(node) && node.expression.getText(source) === 'Date' && !node.arguments?.length) at(node, 'new Date()');
    node.forEachChild((child) => visit(child, inner));
  };
  visit(source, true);
  return found;
}

describe('the spec suite', function () {
  // Parsing every file of spec/: about 1 s alone, several on a busy machine.
  this.timeout(30_000);

  it('mints no token and reads no clock for claims while mocha loads a file', function () {
    const found = specFiles(join(root, 'spec')).flatMap((file) => loadTimeMints(file, readFileSync(file, 'utf8')));
    expect(found).to.deep.equal([]);
  });

  it('sees a token minted in a describe body, in its it loop and at module level, and none in it/before', function () {
    const text = [
      "const early = handSign(claims());",
      "describe('x', () => {",
      "  const token = forge({}, claims());",
      "  for (const c of [1]) it('y', () => handSign(claims({ exp: nowSeconds() + c })));",
      "  for (const c of [() => jwt.sign({}, 'k')]) it('z', () => c());",
      "  let late: string;",
      "  before(() => { late = handSign(claims({ iat: Math.floor(Date.now() / 1000) })); });",
      "  const at = Date.now();",
      "  const when = new Date();",
      "});",
    ].join('\n');
    expect(loadTimeMints(join(root, 'spec', 'x.spec.ts'), text)).to.deep.equal([
      'spec/x.spec.ts:1 handSign', 'spec/x.spec.ts:1 claims',
      'spec/x.spec.ts:3 forge', 'spec/x.spec.ts:3 claims',
      'spec/x.spec.ts:8 now',
      'spec/x.spec.ts:9 new Date()',
    ]);
  });
});
