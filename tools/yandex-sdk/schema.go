package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/spf13/afero"
)

// packageSpec produces the schema the plugin's GetSchema returns after parameterization
// (dynamic/main.go XGetSchema without full docs), round-tripped through JSON as the CLI receives it.
func packageSpec(ctx context.Context, prov tfbridge.ProviderInfo) (schema.PackageSpec, error) {
	g, err := tfgen.NewGenerator(tfgen.GeneratorOptions{
		Package:       prov.Name,
		Version:       prov.Version,
		Language:      tfgen.Schema,
		ProviderInfo:  prov,
		Root:          afero.NewMemMapFs(),
		Sink:          diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never}),
		XInMemoryDocs: true,
		SkipExamples:  true,
	})
	if err != nil {
		return schema.PackageSpec{}, fmt.Errorf("create schema generator: %w", err)
	}
	result, err := g.Generate(ctx)
	if err != nil {
		return schema.PackageSpec{}, fmt.Errorf("generate schema: %w", err)
	}
	spec := result.PackageSpec
	spec.Version = prov.Version
	prov.SchemaPostProcessor(&spec)
	return roundTrip[schema.PackageSpec](spec)
}

// roundTrip marshals and unmarshals a value, as a hop over gRPC between Pulumi processes does.
func roundTrip[T any](in any) (T, error) {
	var out T
	data, err := json.Marshal(in)
	if err != nil {
		return out, err
	}
	return out, json.Unmarshal(data, &out)
}
