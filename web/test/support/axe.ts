// axe-core in the page: the serious and critical accessibility violations of what is shown now.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

export async function seriousViolations(page: Page): Promise<Violation[]> {
  // evaluate() runs outside the page's Content-Security-Policy, which allows no script but our own.
  await page.evaluate(source);
  const found = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) })))`)) as Violation[];
  return found.filter((v) => v.impact === "serious" || v.impact === "critical");
}
