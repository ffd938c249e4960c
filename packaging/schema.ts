import * as ts from "typescript";
import {
    ComplexTypeSpec,
    PropertySpec,
    ResourceSpec,
    TypeSpec,
} from "../components/provider/schemaTypes";

/**
 * Derives a Pulumi package schema from the TypeScript declarations of a
 * component: its args interface (inputs) and the `pulumi.Output` fields of its
 * class (outputs). Doc comments become descriptions and `@default` tags are
 * appended, so every language's SDK shows what the TypeScript docs show. There
 * is no second description of the API to keep in step.
 *
 * Pulumi's own inference (`@pulumi/pulumi/provider/experimental`) rejects union
 * types, and this API uses them on purpose (`HttpProbe | false`), so the walk
 * is ours. It maps:
 * - `string`, `boolean`; `number` to `integer` (every numeric arg here is a
 *   count, port, duration or percentage, and validation rejects fractions);
 * - `pulumi.Input<T>` to `T`, and any other type to itself marked `plain`, at
 *   every depth: what TypeScript takes as a plain value, the schema declares
 *   plain, so the Python and Go SDKs take a plain value there too, and the
 *   provider (`components/provider/inputs.ts`) reads from the same marks which
 *   paths stay outputs;
 * - `T[]`, `Array<T>` and `Record<string, T>` to arrays and maps;
 * - an exported interface to an object type, named without an `Args` suffix
 *   (SDKs append their own);
 * - an exported alias of string literals to an enum;
 * - any other union to `oneOf`, with a `false` member becoming `boolean`.
 *
 * Anything else (an inline object type or literal union, a resource) throws,
 * naming the field, unless the field is listed in `excluded` with the reason
 * it has no cross-language form.
 */

/** Where one component's API is declared. */
export interface ComponentSource {
    /** The type token, such as `orchestration:index:ScalableService`. */
    token: string;
    /** The file declaring the component class. */
    classFile: string;
    className: string;
    /** The file declaring its args interface. */
    argsFile: string;
    argsInterface: string;
    /** `Interface.field` → why the field is left out of the schema. */
    excluded: Record<string, string>;
}

/** One component's resource entry and the named types it uses. */
export interface ComponentSchema {
    resource: ResourceSpec;
    types: Record<string, ComplexTypeSpec>;
}

/** Reads the declarations of `source` with the compiler and builds its schema. */
export function componentSchema(source: ComponentSource): ComponentSchema {
    const program = ts.createProgram([source.classFile, source.argsFile], {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.CommonJS,
        skipLibCheck: true,
        noEmit: true,
    });
    const walker = new SchemaWalker(program.getTypeChecker(), packageOf(source.token), source);
    const args = findDeclaration(
        program,
        source.argsFile,
        source.argsInterface,
        ts.isInterfaceDeclaration,
    );
    const cls = findDeclaration(program, source.classFile, source.className, ts.isClassDeclaration);
    const inputs = walker.members(args);
    const outputs = walker.outputs(cls);
    walker.assertExclusionsUsed();
    return {
        resource: {
            isComponent: true,
            description: walker.docOf(cls.name!),
            inputProperties: inputs.properties,
            requiredInputs: inputs.required,
            properties: outputs.properties,
            required: outputs.required,
        },
        types: walker.types,
    };
}

function packageOf(token: string): string {
    const [pkg, module, name] = token.split(":");
    if (!pkg || !module || !name) {
        throw new Error(`token ${JSON.stringify(token)} is not <package>:<module>:<name>`);
    }
    return pkg;
}

function findDeclaration<T extends ts.Node>(
    program: ts.Program,
    file: string,
    name: string,
    is: (n: ts.Node) => n is T,
): T {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`schema: can't read ${file}`);
    const found = sf.statements.find(
        (s) => is(s) && (s as unknown as { name?: ts.Identifier }).name?.text === name,
    );
    if (!found) throw new Error(`schema: ${file} declares no ${name}`);
    return found as unknown as T;
}

/** A set of properties and which of them are required. */
interface Members {
    properties: Record<string, PropertySpec>;
    required: string[];
}

class SchemaWalker {
    readonly types: Record<string, ComplexTypeSpec> = {};
    private readonly usedExclusions = new Set<string>();
    /** Which declaration each type name came from, to catch two types with one name. */
    private readonly origins = new Map<string, ts.Declaration>();

    constructor(
        private readonly checker: ts.TypeChecker,
        private readonly pkg: string,
        private readonly source: ComponentSource,
    ) {}

    /** The properties of an interface, in declaration order. */
    members(decl: ts.InterfaceDeclaration): Members {
        const out: Members = { properties: {}, required: [] };
        for (const m of decl.members) {
            if (!ts.isPropertySignature(m) || !m.type) {
                throw new Error(
                    `schema: ${decl.name.text} has a member that is not a typed property`,
                );
            }
            const name = propertyName(m.name);
            const where = `${decl.name.text}.${name}`;
            if (where in this.source.excluded) {
                this.usedExclusions.add(where);
                continue;
            }
            out.properties[name] = {
                ...this.typeOf(m.type, where),
                description: this.docOf(m.name),
            };
            if (!m.questionToken) out.required.push(name);
        }
        return out;
    }

    /** The class's `pulumi.Output<T>` fields: the outputs every SDK exposes. */
    outputs(decl: ts.ClassDeclaration): Members {
        const out: Members = { properties: {}, required: [] };
        for (const m of decl.members) {
            if (!ts.isPropertyDeclaration(m) || !m.type || !ts.isTypeReferenceNode(m.type))
                continue;
            if (m.type.typeName.getText() !== "pulumi.Output" || !m.type.typeArguments) continue;
            const name = propertyName(m.name);
            const where = `${decl.name!.text}.${name}`;
            out.properties[name] = {
                ...withoutPlain(this.typeOf(m.type.typeArguments[0], where)),
                description: this.docOf(m.name),
            };
            if (!m.questionToken) out.required.push(name);
        }
        return out;
    }

    /** The doc comment of a declaration's name, with its `@default` tag appended. */
    docOf(name: ts.Node): string {
        const symbol = this.checker.getSymbolAtLocation(name);
        if (!symbol) return "";
        const text = ts.displayPartsToString(symbol.getDocumentationComment(this.checker)).trim();
        const dflt = symbol.getJsDocTags(this.checker).find((t) => t.name === "default");
        return dflt ? `${text}\n\nDefault: ${ts.displayPartsToString(dflt.text).trim()}` : text;
    }

    assertExclusionsUsed(): void {
        const stale = Object.keys(this.source.excluded).filter((k) => !this.usedExclusions.has(k));
        if (stale.length > 0) {
            throw new Error(`schema: excluded fields that no longer exist: ${stale.join(", ")}`);
        }
    }

    /** The schema type of `node`: `plain` unless it is a `pulumi.Input`. */
    private typeOf(node: ts.TypeNode, where: string): TypeSpec {
        if (ts.isParenthesizedTypeNode(node)) return this.typeOf(node.type, where);
        if (
            ts.isTypeReferenceNode(node) &&
            node.typeName.getText() === "pulumi.Input" &&
            node.typeArguments?.length === 1
        ) {
            return withoutPlain(this.typeOf(node.typeArguments[0], where));
        }
        return { ...this.shapeOf(node, where), plain: true };
    }

    private shapeOf(node: ts.TypeNode, where: string): TypeSpec {
        switch (node.kind) {
            case ts.SyntaxKind.StringKeyword:
                return { type: "string" };
            case ts.SyntaxKind.NumberKeyword:
                return { type: "integer" };
            case ts.SyntaxKind.BooleanKeyword:
                return { type: "boolean" };
        }
        if (ts.isArrayTypeNode(node))
            return { type: "array", items: this.typeOf(node.elementType, where) };
        if (ts.isLiteralTypeNode(node) && node.literal.kind === ts.SyntaxKind.FalseKeyword) {
            return { type: "boolean" };
        }
        if (ts.isUnionTypeNode(node)) return this.unionOf(node.types, where);
        if (ts.isTypeReferenceNode(node)) return this.referenceOf(node, where);
        return unsupported(node, where);
    }

    private unionOf(members: readonly ts.TypeNode[], where: string): TypeSpec {
        const specs: TypeSpec[] = [];
        for (const m of members) {
            if (m.kind === ts.SyntaxKind.UndefinedKeyword) continue;
            const spec = this.typeOf(m, where);
            for (const s of spec.oneOf ?? [spec]) {
                if (!specs.some((x) => JSON.stringify(x) === JSON.stringify(s))) specs.push(s);
            }
        }
        return specs.length === 1 ? specs[0] : { oneOf: specs };
    }

    private referenceOf(node: ts.TypeReferenceNode, where: string): TypeSpec {
        const name = node.typeName.getText();
        const args = node.typeArguments ?? [];
        if (name === "Array" && args.length === 1)
            return { type: "array", items: this.typeOf(args[0], where) };
        if (
            name === "Record" &&
            args.length === 2 &&
            args[0].kind === ts.SyntaxKind.StringKeyword
        ) {
            return { type: "object", additionalProperties: this.typeOf(args[1], where) };
        }
        let symbol = this.checker.getSymbolAtLocation(node.typeName);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias)
            symbol = this.checker.getAliasedSymbol(symbol);
        const decl = symbol?.declarations?.[0];
        if (decl && ts.isInterfaceDeclaration(decl))
            return this.named(decl, () => this.objectType(decl));
        if (decl && ts.isTypeAliasDeclaration(decl)) {
            const literals = stringLiterals(decl.type);
            if (literals) return this.named(decl, () => this.enumType(decl, literals));
            return this.shapeOf(decl.type, where);
        }
        return unsupported(node, where);
    }

    /** A reference to the named type for `decl`, registering it on first use. */
    private named(
        decl: ts.InterfaceDeclaration | ts.TypeAliasDeclaration,
        build: () => ComplexTypeSpec,
    ): TypeSpec {
        const name = decl.name.text.replace(/Args$/, "");
        const token = `${this.pkg}:index:${name}`;
        const origin = this.origins.get(token);
        if (origin && origin !== decl) throw new Error(`schema: two types are named ${name}`);
        if (!origin) {
            this.origins.set(token, decl);
            this.types[token] = build();
        }
        return { $ref: `#/types/${token}` };
    }

    private objectType(decl: ts.InterfaceDeclaration): ComplexTypeSpec {
        const { properties, required } = this.members(decl);
        return {
            type: "object",
            description: this.docOf(decl.name),
            properties,
            ...(required.length > 0 ? { required } : {}),
        };
    }

    private enumType(decl: ts.TypeAliasDeclaration, values: string[]): ComplexTypeSpec {
        return {
            type: "string",
            description: this.docOf(decl.name),
            enum: values.map((value) => ({ value })),
        };
    }
}

/** `spec` without its top-level `plain` mark. */
function withoutPlain(spec: TypeSpec): TypeSpec {
    const rest = { ...spec };
    delete rest.plain;
    return rest;
}

/** The values of a union of string literals, or undefined for any other type. */
function stringLiterals(node: ts.TypeNode): string[] | undefined {
    const members = ts.isUnionTypeNode(node) ? node.types : [node];
    const values: string[] = [];
    for (const m of members) {
        if (!ts.isLiteralTypeNode(m) || !ts.isStringLiteral(m.literal)) return undefined;
        values.push(m.literal.text);
    }
    return values;
}

function propertyName(name: ts.PropertyName): string {
    if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
    throw new Error(`schema: computed property name ${name.getText()}`);
}

function unsupported(node: ts.TypeNode, where: string): never {
    throw new Error(
        `schema: ${where} has type '${node.getText()}', which has no cross-language form; ` +
            "name it (an exported interface or alias), or list the field in `excluded` with the reason",
    );
}
