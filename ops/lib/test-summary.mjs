// Adds up the vitest JSON reports (one per workspace, also restored from turbo's cache) into one closing
// line: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2).filter((f) => existsSync(f))) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  // A file that failed before running any test (an import error, a failing hook) counts as one failure.
  const brokenFiles = report.testResults.filter((r) => r.status === "failed" && r.assertionResults.length === 0);
  failed += report.numFailedTests + brokenFiles.length;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
