// The report's tables, plain text or markdown, and its list of targets met or not.

export type Cell = string | number;

export function table(head: readonly string[], rows: readonly Cell[][], markdown: boolean): string {
  const text = rows.map((r) => r.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...text.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => markdown
    ? `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
    : cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const sep = markdown ? `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |` : widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(head), sep, ...text.map(line)].join('\n');
}

/** One performance target (bench/README.md), as the report's last table lists it. */
export interface Target { what: string; measured: string; ok: boolean }
