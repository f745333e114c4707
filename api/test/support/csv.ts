// A strict RFC 4180 reader for tests (CRLF records, quoted fields with doubled quotes; anything else
// throws), written apart from api/src/audit/csv.ts so the writer is checked against the grammar, not itself.
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  const endCell = () => {
    row.push(cell);
    cell = "";
  };
  while (i < text.length) {
    const ch = text[i] as string;
    const next = text[i + 1];
    i++;
    if (quoted && ch === '"' && next === '"') {
      cell += '"';
      i++;
    } else if (quoted) {
      if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === ",") endCell();
    else if (ch === "\r" && next === "\n") {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else if (ch === '"' || ch === "\r" || ch === "\n") throw new Error(`bare ${JSON.stringify(ch)} at ${i - 1}`);
    else cell += ch;
  }
  if (quoted || cell !== "" || row.length > 0) throw new Error("unterminated record");
  return rows;
}
