// compose-validator loads a compose file the way Docker Compose v2 does (compose-go: the compose-spec JSON
// schema, interpolation, env_file parsing, cross-references such as depends_on and secrets) without a
// Docker engine, and prints the resolved project as JSON for the tests to inspect.
//
// Usage: compose-validator <docker-compose.yaml>   (env files and build contexts must exist)
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-validator <docker-compose.yaml>")
		os.Exit(2)
	}
	options, err := cli.NewProjectOptions(
		[]string{os.Args[1]},
		// No cli.WithOsEnv: the caller's environment must not leak into interpolation.
		cli.WithResolvedPaths(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	json, err := project.MarshalJSON()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(json))
}
