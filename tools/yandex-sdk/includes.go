package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// includeList is the subset of Terraform resources and data sources the SDK exposes.
type includeList struct {
	resources   map[string]bool
	dataSources map[string]bool
}

// readIncludeList parses lines of "resource NAME" or "data NAME"; '#' starts a comment.
func readIncludeList(path string) (includeList, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return includeList{}, err
	}
	list := includeList{resources: map[string]bool{}, dataSources: map[string]bool{}}
	for i, line := range strings.Split(string(text), "\n") {
		line, _, _ = strings.Cut(line, "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 || (fields[0] != "resource" && fields[0] != "data") {
			return list, fmt.Errorf("%s:%d: want `resource NAME` or `data NAME`, got %q", path, i+1, line)
		}
		target := list.resources
		if fields[0] == "data" {
			target = list.dataSources
		}
		if target[fields[1]] {
			return list, fmt.Errorf("%s:%d: %s %s is listed twice", path, i+1, fields[0], fields[1])
		}
		target[fields[1]] = true
	}
	return list, nil
}

// names returns the sorted keys of a set.
func names(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
