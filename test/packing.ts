import * as fs from "fs";
import * as path from "path";
import { installedVersion, npmInstall, runtimeDependencies } from "../packaging/npm";

export { PACKAGE, packPackage, run } from "../packaging/npm";

/**
 * Writes a consumer package.json that depends on the tarball and on the Pulumi
 * SDKs at the versions installed here, then installs it. Shared by the
 * integration test (under mocks) and the e2e test (on a real cluster).
 */
export function installConsumer(dir: string, tarball: string): void {
    const manifest = {
        name: "consumer",
        version: "1.0.0",
        private: true,
        dependencies: runtimeDependencies(tarball),
        devDependencies: {
            typescript: installedVersion("typescript"),
            "@types/node": installedVersion("@types/node"),
        },
    };
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    npmInstall(dir);
}
