// Test reporter that counts leaf tests and prints the closing line CI reads: "N passed, N failed".
export default async function* summaryReporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const details = event.data.details ?? {};
    if (details.type === "suite") continue;
    // Files run in their own process are reported as a wrapper test at nesting 0 with a file path name.
    if (event.data.nesting === 0 && event.data.file && event.data.name === event.data.file) continue;
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === "test:pass") passed++;
    else failed++;
  }
  yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`;
}
