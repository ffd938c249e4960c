// Command pulumi-sdkgen writes a package's Python or Go SDK from its schema
// with the code generators of the pinned Pulumi CLI's own module.
//
//	pulumi-sdkgen <schema.json> <python|go> <out-dir>
//
// `pulumi package gen-sdk` asks the language host to generate an SDK, and the
// newest Python and Go hosts that build from the module proxy predate that
// call; the generators themselves are in pkg/v3, which builds here. Like the
// Python host, this puts the package's README.md at the Python SDK's root,
// where pyproject.toml expects it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-sdkgen <schema.json> <python|go> <out-dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-sdkgen: %v\n", err)
		os.Exit(1)
	}
}

func run(schemaPath, language, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noPackages{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s is not a valid schema: %s", schemaPath, diags.Error())
	}
	files, err := generate(pkg, language)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("pulumi-sdkgen: %d files of the %s SDK in %s\n", len(names), language, out)
	return nil
}

func generate(pkg *schema.Package, language string) (map[string][]byte, error) {
	switch language {
	case "go":
		return gogen.GeneratePackage("pulumi-sdkgen", pkg, nil)
	case "python":
		files, err := python.GeneratePackage("pulumi-sdkgen", pkg, nil, nil)
		if err != nil {
			return nil, err
		}
		for name, content := range files {
			if filepath.Base(name) == "README.md" && filepath.Dir(name) != "." {
				files["README.md"] = content
				break
			}
		}
		return files, nil
	default:
		return nil, fmt.Errorf("unknown language %q (python or go)", language)
	}
}

// noPackages is the loader for a schema that refers to no other package.
type noPackages struct{}

func (noPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; pulumi-sdkgen resolves no other packages", pkg)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noPackages) LoadPackageReference(pkg string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(pkg, v)
	return nil, err
}

func (l noPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}
