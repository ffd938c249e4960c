/**
 * `npm run sdk` regenerates the checked-in SDKs under `sdk/` from the schema
 * (run `npm run schema` first when the TypeScript API changed). It needs the
 * e2e toolchain's `pulumi-sdkgen` (`npm run e2e:toolchain`).
 */
import * as path from "path";
import { findToolchain } from "../e2e/toolchain";
import { generateSdk, SDK_LANGUAGES, SDK_ROOT } from "./sdk";

void (async () => {
    const toolchain = await findToolchain();
    if ("missing" in toolchain) {
        console.error(`sdk: the e2e toolchain is needed: ${toolchain.missing}`);
        process.exit(1);
    }
    for (const language of SDK_LANGUAGES) {
        const out = path.join(SDK_ROOT, language);
        generateSdk(toolchain.bin("pulumi-sdkgen"), language, out);
        console.log(`sdk: wrote ${path.relative(process.cwd(), out)}`);
    }
})();
