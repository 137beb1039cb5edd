package main

import (
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// pulumiPackage is the `packages.yandex` entry of Pulumi.yaml: the pins `pulumi install` uses.
type pulumiPackage struct {
	Source     string   `yaml:"source"`
	Version    string   `yaml:"version"`
	Parameters []string `yaml:"parameters"`
}

// readPinnedPlugin returns the `terraform-provider` plugin version pinned in Pulumi.yaml, after checking
// that the entry names this provider at the version linked here (go.mod), so both pins cannot drift.
func readPinnedPlugin(projectPath, providerVersion string) (string, error) {
	text, err := os.ReadFile(projectPath)
	if err != nil {
		return "", err
	}
	var project struct {
		Packages map[string]pulumiPackage `yaml:"packages"`
	}
	if err := yaml.Unmarshal(text, &project); err != nil {
		return "", fmt.Errorf("%s: %w", projectPath, err)
	}
	entry, ok := project.Packages[providerName]
	want := []string{providerOrg + "/" + providerName, providerVersion}
	switch {
	case !ok:
		return "", fmt.Errorf("%s: no packages.%s entry", projectPath, providerName)
	case entry.Source != baseProviderName:
		return "", fmt.Errorf("%s: packages.%s.source is %q, want %q", projectPath, providerName, entry.Source, baseProviderName)
	case entry.Version == "":
		return "", fmt.Errorf("%s: packages.%s.version (the %s plugin release) is empty", projectPath, providerName, baseProviderName)
	case len(entry.Parameters) != 2 || entry.Parameters[0] != want[0] || entry.Parameters[1] != want[1]:
		return "", fmt.Errorf("%s: packages.%s.parameters is %q, want %q (go.mod links %s %s): change both together",
			projectPath, providerName, entry.Parameters, want, providerModule, providerVersion)
	}
	return entry.Version, nil
}
