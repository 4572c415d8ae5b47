import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import ts from 'typescript';

// Every function and class a user can import from koa-jwt-kit, koa-jwt-kit/mongoose,
// koa-jwt-kit/redis and koa-jwt-kit/testing carries a doc comment with an @example, as jose's do: the editor shows it
// where the name is used.

const ENTRY_POINTS = ['lib/index.ts', 'lib/mongoose.ts', 'lib/redis.ts', 'lib/testing.ts'];

interface Exported { readonly entry: string; readonly name: string; readonly example: boolean }

function exportedFunctionsAndClasses(): Exported[] {
  const files = ENTRY_POINTS.map((f) => fileURLToPath(new URL(`../../${f}`, import.meta.url)));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true,
    // Only the declarations of lib/ are read: no default library, no @types (seconds saved).
    noLib: true, types: [], skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  return files.flatMap((file, i) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    return checker.getExportsOfModule(module).flatMap((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (!(target.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class))) return [];
      const example = (target.declarations ?? []).some((d) => ts.getJSDocTags(d).some((tag) => tag.tagName.text === 'example'));
      return [{ entry: ENTRY_POINTS[i]!, name: symbol.name, example }];
    });
  });
}

describe('doc comments of the public API', function () {
  this.timeout(60_000);
  let exported: Exported[];
  before(() => { exported = exportedFunctionsAndClasses(); });

  it('finds the exported functions and classes of every entry point', function () {
    expect(exported.map((e) => e.name)).to.include.members(['koaJwt', 'KoaJwtError', 'TokenExpiredError', 'mongooseStore', 'redisStore', 'storeContract']);
  });

  it('gives each an @example', function () {
    const without = exported.filter((e) => !e.example).map((e) => `${e.entry}: ${e.name}`);
    expect(without, `no @example:\n${without.join('\n')}`).to.deep.equal([]);
  });
});
