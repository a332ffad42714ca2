#!/usr/bin/env bash
# `npm test`: everything CI runs, in the order that fails fastest. Ends with one summary line
# ("N passed, N failed") that adds up every vitest project.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
mkdir -p test-results
echo "== typecheck" && npm run -s typecheck
echo "== lint" && npm run -s lint
echo "== security scan" && npm run -s security-scan
echo "== build" && npm run -s build
echo "== tests (unit, integration against the real lab, e2e in Chromium)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
  if (r.numTotalTests === 0) process.exit(1);
' || status=1
exit $status
