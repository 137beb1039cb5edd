// Command yandex-sdk writes the `@pulumi/yandex` Node.js local SDK that
// `pulumi package add terraform-provider yandex-cloud/yandex <version>` would write, in-process:
// the Yandex Terraform provider is linked as a library, bridged the way the `terraform-provider`
// plugin bridges it, and passed to Pulumi's Node.js code generator. Only the types in the include
// list are generated; the parameter stays the plain remote one, so the package identity is that
// of the full SDK.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	includePath := flag.String("include", "include.txt", "include list")
	projectPath := flag.String("project", "../../Pulumi.yaml", "Pulumi project file with the packages.yandex pins")
	outDir := flag.String("out", "../../sdks/yandex", "SDK output folder (its generated files are replaced)")
	flag.Parse()
	if err := run(context.Background(), *includePath, *projectPath, *outDir); err != nil {
		fmt.Fprintln(os.Stderr, "yandex-sdk:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, includePath, projectPath, outDir string) error {
	start := time.Now()
	include, err := readIncludeList(includePath)
	if err != nil {
		return err
	}
	version, err := providerVersion()
	if err != nil {
		return err
	}
	pluginVersion, err := readPinnedPlugin(projectPath, version)
	if err != nil {
		return err
	}
	server, err := yandexServer(ctx)
	if err != nil {
		return err
	}
	prov, err := providerInfo(ctx, server, version, pluginVersion, include)
	if err != nil {
		return err
	}
	spec, err := packageSpec(ctx, prov)
	if err != nil {
		return err
	}
	files, err := nodeSDK(spec)
	if err != nil {
		return err
	}
	if err := replaceGenerated(outDir, files); err != nil {
		return err
	}
	fmt.Printf("yandex-sdk: wrote %d files for yandex %s (terraform-provider %s) to %s in %s\n",
		len(files), version, pluginVersion, outDir, time.Since(start).Round(time.Millisecond))
	return nil
}
