/** One figure of a benchmark module: `npm run bench` gathers each module's rows into one table. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** Prints rows as a markdown table (a module run alone: `node --import tsx bench/<module>.ts`). */
export function printRows(rows: readonly BenchRow[]): void {
  console.log("| benchmark | value | unit | note |\n|---|---:|---|---|");
  for (const r of rows) console.log(`| ${r.name} | ${r.value} | ${r.unit} | ${r.note ?? ""} |`);
}
