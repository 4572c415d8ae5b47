import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lib from '../../lib/index.js';
import { ERROR_ANSWERS } from '../../lib/errors.js';

// docs/http.md's error table against the error model the package exports: the table has one
// row per code of ERROR_ANSWERS and no other, with that code's status; every error class a user
// can import is named in the row of its code, and every class a row names answers that code.

const PAGE = fileURLToPath(new URL('../../docs/http.md', import.meta.url));

interface Row { readonly code: string; readonly status: string; readonly classes: readonly string[] }

/** The rows of the table right below `<!-- error-codes -->`. */
function errorTable(): Row[] {
  const lines = readFileSync(PAGE, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trim() === '<!-- error-codes -->');
  if (start < 0) throw new Error('docs/http.md has no <!-- error-codes --> table');
  const rows: Row[] = [];
  for (const line of lines.slice(start + 3)) {
    if (!line.startsWith('|')) break;
    const [code, status, classes] = line.split('|').slice(1).map((cell) => cell.trim());
    rows.push({ code: code!.replace(/`/g, ''), status: status!, classes: [...classes!.matchAll(/`(\w+)`/g)].map((m) => m[1]!) });
  }
  return rows;
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
});
