// Turns a StrykerJS JSON report (reports/mutation/<scope>.json) into the tables of
// docs/mutation.md: the score per file, and every mutant not killed with the reason it may stay.
// Reasons live in docs/mutation-reasons.tsv, one per line: file:line, mutator, change (the
// mutated code → its replacement), reason (tab-separated). A survivor without a reason is printed as UNCLASSIFIED and the exit code is 1.
//
//   node scripts/mutation-table.mjs keys            # both tables for one scope
//   node scripts/mutation-table.mjs keys --unlisted # only the survivors that have no reason yet
//   node scripts/mutation-table.mjs keys --tsv      # the reasons this report uses, as lines of the TSV
import { readFileSync } from 'node:fs';

const short = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n\s*/g, ' ');

/** The mutated code itself (its first line when it spans several), then what replaced it. */
function changeOf(lines, m) {
  const { start, end } = m.location;
  const span = start.line === end.line ? lines[start.line - 1].slice(start.column - 1, end.column - 1) : `${lines[start.line - 1].slice(start.column - 1)} …`;
  return `${short(cell(span.trim()), 70)} → ${short(cell(m.replacement ?? ''), 50)}`;
}

const [scope, flag] = process.argv.slice(2);
if (!scope) throw new Error('usage: node scripts/mutation-table.mjs <scope> [--unlisted]');
const report = JSON.parse(readFileSync(`reports/mutation/${scope}.json`, 'utf8'));
const reasons = new Map();
// The same reasons grouped without the line: code that moved (a refactor above it) keeps its
// reasons when file, mutator and change name as many mutants of the report as the TSV has
// lines for them; they are then paired in line order.
const byChange = new Map();
for (const line of readFileSync('docs/mutation-reasons.tsv', 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  const [where, mutator, replacement, reason] = line.split('\t');
  reasons.set(`${where}\t${mutator}\t${replacement}`, reason);
  const loose = `${where.replace(/:\d+$/, '')}\t${mutator}\t${replacement}`;
  byChange.set(loose, [...(byChange.get(loose) ?? []), { line: Number(where.match(/:(\d+)$/)?.[1]), reason }]);
}
const sameChange = new Map();
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  const lines = source.split('\n');
  for (const m of mutants) {
    const key = `${file}\t${m.mutatorName}\t${changeOf(lines, m)}`;
    sameChange.set(key, [...(sameChange.get(key) ?? []), m.location.start.line]);
  }
}

/** The reason of a mutant: by file:line, else by its rank among the mutants of the same file, mutator and change. */
function reasonOf(file, line, m, change) {
  const exact = reasons.get(`${file}:${line}\t${m.mutatorName}\t${change}`);
  if (exact !== undefined) return exact;
  const loose = `${file}\t${m.mutatorName}\t${change}`;
  const listed = (byChange.get(loose) ?? []).slice().sort((a, b) => a.line - b.line);
  const here = (sameChange.get(loose) ?? []).slice().sort((a, b) => a - b);
  return listed.length === here.length ? listed[here.indexOf(line)]?.reason : undefined;
}

const KILLED = new Set(['Killed', 'Timeout']);
const NOT_KILLED = new Set(['Survived', 'NoCoverage']);

const scores = [];
const rows = [];
let unclassified = 0;
for (const [file, { source, mutants }] of Object.entries(report.files).sort()) {
  const lines = source.split('\n');
  const count = (set) => mutants.filter((m) => set.has(m.status)).length;
  const killed = count(KILLED);
  const survived = mutants.filter((m) => m.status === 'Survived').length;
  const noCoverage = mutants.filter((m) => m.status === 'NoCoverage').length;
  const score = { file, killed, survived, noCoverage, excluded: 0, killedLater: 0 };
  scores.push(score);
  for (const m of mutants.filter((x) => NOT_KILLED.has(x.status)).sort((a, b) => a.location.start.line - b.location.start.line)) {
    const { start } = m.location;
    const where = `${file}:${start.line}`;
    const change = changeOf(lines, m);
    const reason = reasonOf(file, start.line, m, change);
    if (!reason) unclassified++;
    // Equivalent and unreachable mutants cannot be killed: the second score leaves them out, and
    // counts those a spec added after the run kills (checked by hand) as killed.
    else if (/^(equivalent|unreachable)/.test(reason)) score.excluded++;
    else if (reason.startsWith('KILLED')) score.killedLater++;
    if (flag === '--unlisted' && reason) continue;
    if (flag === '--tsv') {
      if (reason) rows.push(`${where}\t${m.mutatorName}\t${change}\t${reason}`);
      continue;
    }
    rows.push(flag === '--unlisted'
      ? `${where}\t${m.mutatorName}\t${change}\t\t|| ${short(cell(lines[start.line - 1].trim()), 100)}`
      : `| \`${where}\` | ${m.mutatorName}${m.status === 'NoCoverage' ? ' (no coverage)' : ''} | \`${change.replace(' → ', '` → `')}\` | ${reason ?? 'UNCLASSIFIED'} |`);
  }
}

if (flag !== '--unlisted' && flag !== '--tsv') {
  const pct = (k, all) => (all === 0 ? 'n/a' : `${((100 * k) / all).toFixed(1)}%`);
  const adjusted = (r) => pct(r.killed + r.killedLater, r.killed + r.survived + r.noCoverage - r.excluded);
  const row = (name, r) => `| ${name} | ${r.killed} | ${r.survived} | ${r.noCoverage} | ${pct(r.killed, r.killed + r.survived + r.noCoverage)} | ${r.excluded} | ${r.killedLater} | ${adjusted(r)} |`;
  const header = (first) => `| ${first} | killed | survived | no coverage | score | equivalent or unreachable | killed by a later spec | score without equivalents |\n|---|---|---|---|---|---|---|---|`;
  const sum = (rows) => rows.reduce((a, r) => ({ killed: a.killed + r.killed, survived: a.survived + r.survived, noCoverage: a.noCoverage + r.noCoverage, excluded: a.excluded + r.excluded, killedLater: a.killedLater + r.killedLater }), { killed: 0, survived: 0, noCoverage: 0, excluded: 0, killedLater: 0 });
  console.log(header('file'));
  for (const r of scores) console.log(row(r.file, r));
  console.log(`${row('**all**', sum(scores))}\n`);
  // The target (at least 85% killed) is per folder: the files of one folder summed.
  const folders = new Map();
  for (const r of scores) {
    const folder = r.file.includes('/', 4) ? r.file.slice(0, r.file.lastIndexOf('/')) : r.file;
    folders.set(folder, [...(folders.get(folder) ?? []), r]);
  }
  console.log(header('folder'));
  for (const [folder, rows] of folders) console.log(row(folder, sum(rows)));
  console.log('');
  console.log('| where | mutator | change | why it survives |\n|---|---|---|---|');
}
for (const row of rows) console.log(row);
if (unclassified > 0) {
  console.error(`${unclassified} mutant(s) not killed and not classified in docs/mutation-reasons.tsv`);
  process.exitCode = 1;
}
