import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lib from '../../lib/index.js';

// docs/http.md's error table against the error classes the package exports: every class's
// code has a row, every row's code belongs to the classes it names, and no row names a code
// that no class has.

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

type ErrorClass = new (...args: any[]) => lib.KoaJwtError;

/** Every exported class that is a KoaJwtError, with the code and status of an instance. */
function exportedErrors(): Map<string, { code: string; status: number }> {
  const found = new Map<string, { code: string; status: number }>();
  for (const [name, value] of Object.entries(lib)) {
    if (typeof value !== 'function' || !(value === lib.KoaJwtError || value.prototype instanceof lib.KoaJwtError)) continue;
    const instance = new (value as ErrorClass)('path', 'reason');
    found.set(name, { code: instance.code, status: instance.status });
  }
  return found;
}

describe('docs/http.md error codes', function () {
  const rows = errorTable();
  const classes = exportedErrors();

  it('reads a table of error codes and finds the exported error classes', function () {
    expect(rows.length).to.be.at.least(15);
    expect(classes.size).to.be.at.least(16);
  });

  it("has a row for every exported error class's code, naming the class", function () {
    for (const [name, { code }] of classes) {
      const row = rows.find((r) => r.code === code);
      expect(row, `no row for ${code} (${name})`).not.to.equal(undefined);
      expect(row!.classes, `the row of ${code}`).to.include(name);
    }
  });

  it('names in each row only classes that exist and answer that code', function () {
    for (const row of rows) {
      expect(row.classes, `the row of ${row.code} names no class`).not.to.be.empty;
      for (const name of row.classes) {
        expect(classes.get(name)?.code, `${name} in the row of ${row.code}`).to.equal(row.code);
      }
    }
  });

  it('gives each code the status its classes answer with', function () {
    for (const row of rows) {
      for (const name of row.classes) {
        const { status } = classes.get(name)!;
        if (row.code === 'config_invalid') continue; // start-up only: its row has no status
        expect(row.status, `the status of ${row.code}`).to.match(new RegExp(`\\b${status}\\b`));
      }
    }
  });
});
