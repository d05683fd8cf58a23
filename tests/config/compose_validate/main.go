// Command compose-validate loads compose files the way `docker compose config` does, with the
// Compose Specification's reference library (compose-go): JSON-schema validation, variable
// interpolation from an env file, normalization, and the consistency checks (services, networks
// and volumes that are referred to exist; depends_on conditions; network_mode targets). It is
// the validator for machines without the docker compose plugin. Exit status 0 when valid.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	envFile := flag.String("env-file", "", "file with the variables to interpolate (like docker compose --env-file)")
	quiet := flag.Bool("q", false, "only validate; do not print the resolved model")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s [-q] [-env-file FILE] compose.yml...\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := validate(flag.Args(), *envFile, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "invalid:", err)
		os.Exit(1)
	}
}

func validate(files []string, envFile string, quiet bool) error {
	workDir, err := filepath.Abs(filepath.Dir(files[0]))
	if err != nil {
		return err
	}
	fns := []cli.ProjectOptionsFn{
		cli.WithWorkingDirectory(workDir),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	}
	if envFile != "" {
		fns = append(fns, cli.WithEnvFiles(envFile), cli.WithDotEnv)
	}
	opts, err := cli.NewProjectOptions(files, fns...)
	if err != nil {
		return err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return err
	}
	if quiet {
		fmt.Printf("%s: valid (%d services)\n", files[0], len(project.Services))
		return nil
	}
	out, err := project.MarshalYAML()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}
