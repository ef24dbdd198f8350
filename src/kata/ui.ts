/** Terminal output for the kata CLI: colour on a TTY (unless NO_COLOR), plain when piped. */
const useColour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;

function paint(code: number): (text: string) => string {
  return (text) => (useColour ? `\u001b[${code}m${text}\u001b[0m` : text);
}

export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);

export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
}

/** Side-by-side line diff (LCS), `|` for changed lines, `<` / `>` for lines on one side only. */
export function sideBySide(left: string, right: string, width = 60): string {
  const a = left.split("\n");
  const b = right.split("\n");
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: string[] = [];
  const cell = (text: string): string => {
    const t = text.replace(/\t/g, "  ");
    return t.length > width ? `${t.slice(0, width - 1)}…` : t.padEnd(width);
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push(`${cell(a[i]!)}   ${b[j]}`);
      i++;
      j++;
    } else if (i < a.length && j < b.length && lcs[i + 1]![j + 1] === lcs[i]![j]) {
      rows.push(yellow(`${cell(a[i]!)} | ${b[j]}`));
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      rows.push(green(`${cell("")} > ${b[j]}`));
      j++;
    } else {
      rows.push(red(`${cell(a[i]!)} <`));
      i++;
    }
  }
  return rows.join("\n");
}
