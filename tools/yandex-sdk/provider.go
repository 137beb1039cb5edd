package main

import (
	"context"
	"fmt"
	"path"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-mux/tf5to6server"
	"github.com/hashicorp/terraform-plugin-mux/tf6muxserver"
	"github.com/pulumi/pulumi-terraform-bridge/v3/dynamic/parameterize"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/proto"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge/tokens"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/yandex-cloud/terraform-provider-yandex/yandex"
	yandexframework "github.com/yandex-cloud/terraform-provider-yandex/yandex-framework/provider"
)

const (
	providerModule   = "github.com/yandex-cloud/terraform-provider-yandex"
	providerName     = "yandex"
	providerOrg      = "yandex-cloud"
	registryURL      = "registry.opentofu.org/" + providerOrg + "/" + providerName
	baseProviderName = "terraform-provider"
)

// yandexServer builds the provider's protocol-6 server exactly as its own main.go does
// (SDKv2 half upgraded from protocol 5, muxed with the plugin-framework half), in-process.
func yandexServer(ctx context.Context) (tfprotov6.ProviderServer, error) {
	upgraded, err := tf5to6server.UpgradeServer(ctx, yandex.NewSDKProvider().GRPCProvider)
	if err != nil {
		return nil, fmt.Errorf("upgrade SDKv2 provider to protocol 6: %w", err)
	}
	mux, err := tf6muxserver.NewMuxServer(ctx,
		providerserver.NewProtocol6(yandexframework.NewFrameworkProvider()),
		func() tfprotov6.ProviderServer { return upgraded },
	)
	if err != nil {
		return nil, fmt.Errorf("mux provider servers: %w", err)
	}
	server := mux.ProviderServer()
	// The bridge's proto shim ignores diagnostics, so surface schema errors (e.g. mux mismatches) here.
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return nil, fmt.Errorf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
		}
	}
	return server, nil
}

// providerVersion is the linked Yandex provider's module version without "v": go.mod is its only pin.
func providerVersion() (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", fmt.Errorf("no build info: build with module support")
	}
	for _, dep := range info.Deps {
		if dep.Path == providerModule {
			if dep.Replace != nil {
				return "", fmt.Errorf("%s is replaced; pin a released version in go.mod", providerModule)
			}
			return strings.TrimPrefix(dep.Version, "v"), nil
		}
	}
	return "", fmt.Errorf("%s not found in build info", providerModule)
}

// remoteParameter is the value the `terraform-provider` plugin embeds for
// `pulumi package add terraform-provider yandex-cloud/yandex <version>` (no include filter).
func remoteParameter(version string) parameterize.Value {
	return parameterize.Value{Remote: &parameterize.RemoteValue{URL: registryURL, Version: version}}
}

// providerInfo mirrors providerInfo() of the bridge's dynamic/info.go (package main, not importable)
// for a remote provider; the include list is applied through IgnoreMappings as the plugin's
// --include filter does, but it is not written into the parameter.
func providerInfo(
	ctx context.Context, server tfprotov6.ProviderServer, version, pluginVersion string, include includeList,
) (tfbridge.ProviderInfo, error) {
	provider := proto.New(ctx, server)
	value := remoteParameter(version)

	prov := tfbridge.ProviderInfo{
		P:              provider,
		Name:           providerName,
		Version:        version,
		Description:    "A Pulumi provider dynamically bridged from " + providerName + ".",
		ResourcePrefix: inferResourcePrefix(provider),
		MetadataInfo:   &tfbridge.MetadataInfo{Path: "", Data: tfbridge.ProviderMetadata(nil)},
		Python: &tfbridge.PythonInfo{
			PyProject:            struct{ Enabled bool }{true},
			RespectSchemaVersion: true,
		},
		JavaScript: &tfbridge.JavaScriptInfo{
			LiftSingleValueMethodReturns: true,
			RespectSchemaVersion:         true,
		},
		CSharp: &tfbridge.CSharpInfo{
			LiftSingleValueMethodReturns: true,
			RespectSchemaVersion:         true,
		},
		Java: &tfbridge.JavaInfo{},
		Golang: &tfbridge.GolangInfo{
			ImportBasePath: path.Join(
				"github.com/pulumi/pulumi-terraform-provider/sdks/go",
				providerName,
				tfbridge.GetModuleMajorVersion(version),
				providerName,
			),
			RootPackageName:              providerName,
			LiftSingleValueMethodReturns: true,
			GenerateExtraInputTypes:      true,
			RespectSchemaVersion:         true,
		},
		SchemaPostProcessor: func(spec *schema.PackageSpec) {
			spec.Parameterization = &schema.ParameterizationSpec{
				BaseProvider: schema.BaseProviderSpec{Name: baseProviderName, Version: pluginVersion},
				Parameter:    value.Marshal(),
			}
		},
		GitHubOrg:  providerOrg,
		Publisher:  providerOrg,
		Repository: "https://github.com/" + providerOrg + "/terraform-provider-" + providerName,
	}

	ignored, err := ignoreMappings(provider, include)
	if err != nil {
		return prov, err
	}
	prov.IgnoreMappings = ignored.both

	makeStandard := tokens.MakeStandard(providerName)
	err = prov.ComputeTokens(tokens.WithCaseInsensitiveDedup(
		tokens.SingleModule(prov.GetResourcePrefix(), "index", makeStandard),
		makeStandard, prov.MetadataInfo.Data))
	if err != nil {
		return prov, err
	}
	// A name can be both a resource and a data source (yandex_compute_image); drop the unlisted half.
	for _, name := range ignored.resourceOnly {
		delete(prov.Resources, name)
	}
	for _, name := range ignored.dataSourceOnly {
		delete(prov.DataSources, name)
	}
	prov.IgnoreMappings = append(append(prov.IgnoreMappings, ignored.resourceOnly...), ignored.dataSourceOnly...)

	prov.SetAutonaming(255, "-")
	return prov, nil
}

type ignoredNames struct {
	both           []string // not listed in either kind: ignored before tokens are computed
	resourceOnly   []string // listed as a data source only, but also a resource
	dataSourceOnly []string // listed as a resource only, but also a data source
}

// ignoreMappings turns the include list into the bridge's IgnoreMappings, and fails on a listed
// name the provider does not have (a typo would otherwise silently drop a type).
func ignoreMappings(p shim.Provider, include includeList) (ignoredNames, error) {
	var out ignoredNames
	resources := map[string]bool{}
	for name := range p.ResourcesMap().Range {
		resources[name] = true
	}
	dataSources := map[string]bool{}
	for name := range p.DataSourcesMap().Range {
		dataSources[name] = true
	}
	for _, name := range names(include.resources) {
		if !resources[name] {
			return out, fmt.Errorf("include list: resource %q is not in the provider", name)
		}
	}
	for _, name := range names(include.dataSources) {
		if !dataSources[name] {
			return out, fmt.Errorf("include list: data source %q is not in the provider", name)
		}
	}
	listed := func(name string) bool { return include.resources[name] || include.dataSources[name] }
	all := map[string]bool{}
	for name := range resources {
		all[name] = true
	}
	for name := range dataSources {
		all[name] = true
	}
	for _, name := range names(all) {
		switch {
		case !listed(name):
			out.both = append(out.both, name)
		case resources[name] && !include.resources[name]:
			out.resourceOnly = append(out.resourceOnly, name)
		case dataSources[name] && !include.dataSources[name]:
			out.dataSourceOnly = append(out.dataSourceOnly, name)
		}
	}
	for name := range p.Functions() {
		if !listed(name) {
			out.both = append(out.both, name)
		}
	}
	sort.Strings(out.both)
	return out, nil
}

// inferResourcePrefix is the plugin's rule: the common prefix before "_" of all resource names.
func inferResourcePrefix(p shim.Provider) string {
	var candidate string
	p.ResourcesMap().Range(func(key string, _ shim.Resource) bool {
		parts := strings.Split(key, "_")
		if len(parts) < 2 {
			return true
		}
		if candidate == "" {
			candidate = parts[0]
			return true
		}
		if candidate == parts[0] {
			return true
		}
		candidate = ""
		return false
	})
	return candidate
}
