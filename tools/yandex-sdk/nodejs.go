package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// nodeSDK reproduces `pulumi package add`: the CLI binds the schema (dangling references allowed),
// turns SupportPack on and hands the JSON to the Node.js language host, which binds it again and
// calls the generator with localSDK = true, no extra files and no local dependencies.
func nodeSDK(spec schema.PackageSpec) (map[string][]byte, error) {
	loader := noPackages{}
	cliPkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{AllowDanglingReferences: true})
	if err != nil {
		return nil, fmt.Errorf("bind schema: %w", err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("bind schema: %w", diags)
	}
	cliPkg.SupportPack = true
	data, err := cliPkg.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("marshal bound schema: %w", err)
	}
	var hostSpec schema.PackageSpec
	if err := json.Unmarshal(data, &hostSpec); err != nil {
		return nil, err
	}
	hostPkg, diags, err := schema.BindSpec(hostSpec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("language host: bind schema: %w", err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("language host: bind schema: %w", diags)
	}
	return nodejs.GeneratePackage("pulumi-language-nodejs", hostPkg, map[string][]byte{}, nil, true, loader)
}

// noPackages is the schema loader: the Yandex schema references no other package, so any load
// request is a real error rather than something to fetch.
type noPackages struct{}

func (noPackages) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("schema references package %q; none can be loaded here", name)
}

func (l noPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, d.Version)
}

func (l noPackages) LoadPackageReference(name string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(name, v)
	return nil, err
}

func (l noPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, d.Version)
}
