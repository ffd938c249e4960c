import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/**
 * Every public argument documents itself: a doc comment on each property of
 * the exported Args interfaces, and an `@default` on each optional one.
 */
/** Each file with its exported argument interfaces, at least this many. */
const ARG_FILES: Record<string, number> = {
    "components/scalable-service/args.ts": 2,
    "components/eks-cluster/args.ts": 2,
    "components/pod-identity/config.ts": 1,
    "components/testing/mocks.ts": 1, // InstallMocksOptions
};
const ROOT = path.resolve(__dirname, "..");

interface ArgDoc {
    name: string;
    optional: boolean;
    comment: string;
    tags: string[];
}

/** Reads the exported interfaces' properties and their JSDoc, syntactically. */
function interfaceProperties(file: string): Map<string, ArgDoc[]> {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const out = new Map<string, ArgDoc[]>();
    source.forEachChild((node) => {
        if (
            !ts.isInterfaceDeclaration(node) ||
            !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
        ) {
            return;
        }
        const props: ArgDoc[] = [];
        for (const member of node.members) {
            if (!ts.isPropertySignature(member)) {
                continue;
            }
            const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
            props.push({
                name: member.name.getText(source),
                optional: member.questionToken !== undefined,
                comment: docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" "),
                tags: ts.getJSDocTags(member).map((t) => t.tagName.text),
            });
        }
        out.set(node.name.text, props);
    });
    return out;
}

describe("public argument docs (pure)", () => {
    for (const [file, minimum] of Object.entries(ARG_FILES)) {
        const interfaces = interfaceProperties(file);

        it(`${file} exports its Args interfaces`, () => {
            assert.ok(interfaces.size >= minimum, `found ${[...interfaces.keys()].join(", ")}`);
        });

        for (const [name, props] of interfaces) {
            it(`${name}: every property has a doc comment, and every optional one an @default`, () => {
                const undocumented = props.filter((p) => p.comment.trim() === "");
                assert.deepEqual(
                    undocumented.map((p) => p.name),
                    [],
                    `undocumented in ${name}`,
                );
                const noDefault = props.filter((p) => p.optional && !p.tags.includes("default"));
                assert.deepEqual(
                    noDefault.map((p) => p.name),
                    [],
                    `optional without @default in ${name}`,
                );
            });
        }
    }
});
