/**
 * `npm run schema` writes the package schema; `npm run schema -- --check`
 * exits 1 when the checked-in schema differs from the TypeScript declarations.
 */
import * as fs from "fs";
import * as path from "path";
import { packageSchema, renderSchema, SCHEMA_PATH } from "./packageSchema";

const check = process.argv.includes("--check");
const fresh = renderSchema(packageSchema());
const relative = path.relative(process.cwd(), SCHEMA_PATH);
if (check) {
    const current = fs.existsSync(SCHEMA_PATH) ? fs.readFileSync(SCHEMA_PATH, "utf8") : "";
    if (current !== fresh) {
        console.error(
            `${relative} is out of date with the TypeScript declarations: run npm run schema`,
        );
        process.exit(1);
    }
    console.log(`${relative} matches the TypeScript declarations`);
} else {
    fs.writeFileSync(SCHEMA_PATH, fresh);
    console.log(`wrote ${relative}`);
}
