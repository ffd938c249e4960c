/**
 * `npm run plugin` packs this package and builds the provider plugin into
 * `dist/`: the plugin directory and its tarball, ready for
 * `pulumi plugin install resource orchestration <version> --file <tarball>`.
 */
import * as fs from "fs";
import * as path from "path";
import { packPackage, PACKAGE } from "./npm";
import { PACKAGE_NAME } from "./packageSchema";
import { buildPluginDir, PLUGIN_BINARY, tarPlugin } from "./plugin";

const dist = path.resolve(__dirname, "..", "dist");
const dir = path.join(dist, PLUGIN_BINARY);
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dist, { recursive: true });
console.log(`plugin: packing ${PACKAGE.name} ${PACKAGE.version}`);
const tarball = packPackage(dist);
console.log("plugin: installing its runtime dependencies");
buildPluginDir(dir, tarball);
const out = tarPlugin(dir, path.join(dist, `${PLUGIN_BINARY}-v${PACKAGE.version}.tar.gz`));
console.log(`plugin: ${path.relative(process.cwd(), out)}`);
console.log(
    `install it with: pulumi plugin install resource ${PACKAGE_NAME} ${PACKAGE.version} --file ${path.relative(process.cwd(), out)}`,
);
