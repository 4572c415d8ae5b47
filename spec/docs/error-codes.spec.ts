import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lib from '../../lib/index.js';
import { ERROR_ANSWERS } from '../../lib/errors.js';

// docs/http.md's error table against the error model the package exports: the table has one
// row per code of ERROR_ANSWERS and no other, with that code's status; every error class a user
// can import is named in the row of its code, and every class a row names answers that code.
// docs/api.md's table of classes: one row per code, naming the class of the code and, as its
// refinements, exactly the other classes of that code, each a subclass of it.

const page = (name: string) => fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));

/** The cells of each row of the table right below `<!-- marker -->` in docs/`name`. */
function tableBelow(name: string, marker: string): string[][] {
  const lines = readFileSync(page(name), 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === `<!-- ${marker} -->`);
  if (start < 0) throw new Error(`docs/${name} has no <!-- ${marker} --> table`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 3)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

/** The class names in backquotes of a cell, in order (other code in the cell, such as a field name, is not one). */
const namesIn = (cell: string): string[] => [...cell.matchAll(/`([A-Z]\w*Error)`/g)].map((m) => m[1]!);

interface Row { readonly code: string; readonly status: string; readonly classes: readonly string[] }

/** The rows of docs/http.md's table of codes. */
function errorTable(): Row[] {
  return tableBelow('http.md', 'error-codes').map(([code, status, classes]) => ({ code: code!.replace(/`/g, ''), status: status!, classes: namesIn(classes!) }));
}

type ErrorClass = new (...args: unknown[]) => lib.KoaJwtError;

/** Every exported concrete KoaJwtError class, with the code of an instance (abstract bases have none). */
function exportedErrors(): Map<string, lib.KoaJwtErrorCode> {
  const found = new Map<string, lib.KoaJwtErrorCode>();
  for (const [name, value] of Object.entries(lib)) {
    if (typeof value !== 'function' || !(value.prototype instanceof lib.KoaJwtError)) continue;
    // Constructors take (message, detail): an array fits each detail (a reason, fields, Allow methods).
    const instance = new (value as unknown as ErrorClass)('message', ['GET']);
    if (instance.code !== undefined) found.set(name, instance.code);
  }
  return found;
}

/** true when the exported class `sub` extends the exported class `base`. */
const extendsClass = (sub: string, base: string): boolean =>
  (lib as unknown as Record<string, { prototype: object }>)[sub]!.prototype instanceof (lib as unknown as Record<string, new () => object>)[base]!;

describe('docs/http.md error codes', function () {
  const rows = errorTable();
  const classes = exportedErrors();
  const codes = Object.keys(ERROR_ANSWERS) as lib.KoaJwtErrorCode[];

  it('reads a table of error codes and finds the exported error classes', function () {
    expect(rows.length).to.be.at.least(15);
    expect(classes.size).to.be.at.least(16);
  });

  it('has one row for every code of the error model, and no row for a code it does not have', function () {
    expect(rows.map((r) => r.code)).to.have.members(codes);
  });

  it("gives each code its status (the row's first number)", function () {
    for (const row of rows) {
      const answer = ERROR_ANSWERS[row.code as lib.KoaJwtErrorCode];
      expect(row.status, `the status of ${row.code}`).to.match(new RegExp(`^${answer.status}\\b`));
      if ('requestStatus' in answer) expect(row.status, `the request status of ${row.code}`).to.match(new RegExp(`\\b${answer.requestStatus}\\b`));
    }
  });

  it("names every exported error class in the row of its code", function () {
    for (const [name, code] of classes) {
      const row = rows.find((r) => r.code === code);
      expect(row, `no row for ${code} (${name})`).not.to.equal(undefined);
      expect(row!.classes, `the row of ${code}`).to.include(name);
    }
  });

  it('names in each row only classes that exist and answer that code', function () {
    for (const row of rows) {
      expect(row.classes, `the row of ${row.code} names no class`).not.to.be.empty;
      for (const name of row.classes) expect(classes.get(name), `${name} in the row of ${row.code}`).to.equal(row.code);
    }
  });

  it('names the class of the code first in each row; the other classes of the row extend it', function () {
    for (const row of rows) {
      const [first, ...refinements] = row.classes;
      for (const name of refinements) expect(extendsClass(name, first!), `${name} extends ${first}, in the row of ${row.code}`).to.equal(true);
    }
  });
});

describe('docs/api.md error classes', function () {
  const rows = tableBelow('api.md', 'error-classes').map(([code, name, refinements]) => ({
    code: code!.replace(/`/g, ''), classes: namesIn(name!), refinements: namesIn(refinements!),
  }));
  const classes = exportedErrors();

  it('has one row for every code of the error model', function () {
    expect(rows.map((r) => r.code)).to.have.members(Object.keys(ERROR_ANSWERS));
  });

  it('names one class per code, whose instances carry that code', function () {
    for (const row of rows) {
      expect(row.classes, `the class of ${row.code}`).to.have.lengthOf(1);
      expect(classes.get(row.classes[0]!), row.classes[0]).to.equal(row.code);
    }
  });

  it('lists as refinements exactly the other classes of the code, each a subclass of the class of the code', function () {
    for (const row of rows) {
      const others = [...classes].filter(([name, code]) => code === row.code && name !== row.classes[0]).map(([name]) => name);
      expect(row.refinements, `the refinements of ${row.code}`).to.have.members(others);
      for (const name of row.refinements) expect(extendsClass(name, row.classes[0]!), `${name} extends ${row.classes[0]}`).to.equal(true);
    }
  });
});
