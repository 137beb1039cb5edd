package main

import (
	"os"
	"path/filepath"
	"sort"
)

// keptOnRegenerate are install/build outputs inside the SDK folder (git-ignored): keeping them
// leaves an installed SDK usable while files are rewritten.
var keptOnRegenerate = map[string]bool{"node_modules": true, "bin": true}

// replaceGenerated empties outDir (except keptOnRegenerate) and writes files, so a type dropped
// from the include list leaves no stale source behind.
func replaceGenerated(outDir string, files map[string][]byte) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(outDir)
	if err != nil {
		return err
	}
	for _, entry := range entries {
		if !keptOnRegenerate[entry.Name()] {
			if err := os.RemoveAll(filepath.Join(outDir, entry.Name())); err != nil {
				return err
			}
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		target := filepath.Join(outDir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}
