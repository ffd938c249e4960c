import * as fs from "fs";
import * as path from "path";

/**
 * The figures one e2e run measured (seconds), printed as a table at the end
 * of the run and written to e2e/results.json for the README. They are
 * observations, not assertions: timing belongs in a benchmark, never in a test.
 */
const figures: { what: string; seconds: number }[] = [];

export const FIGURES_FILE = path.join(__dirname, "results.json");

/** Records one measured duration. */
export function recordFigure(what: string, seconds: number): void {
    figures.push({ what, seconds });
}

/** Prints the table and writes the JSON file; does nothing when nothing was measured. */
export function writeFigures(): void {
    if (figures.length === 0) {
        return;
    }
    const width = Math.max(...figures.map((f) => f.what.length));
    console.log("\ne2e figures (seconds, this run):");
    for (const f of figures) {
        console.log(`  ${f.what.padEnd(width)}  ${f.seconds.toFixed(1).padStart(6)}`);
    }
    fs.writeFileSync(
        FIGURES_FILE,
        JSON.stringify({ measuredAt: new Date().toISOString(), figures }, null, 2) + "\n",
    );
}
