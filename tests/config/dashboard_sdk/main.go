// Command dashboard-sdk-check decodes Grafana dashboard JSON files with the dashboard types of the
// Grafana Foundation SDK (github.com/grafana/grafana-foundation-sdk/go, Apache-2.0) and refuses
// anything those types do not know. Grafana cannot run on the build machines, so this is the
// strictest peer check of the dashboards there: the SDK is generated from Grafana's own schema.
//
// Two decodes, both must succeed:
//   - encoding/json with DisallowUnknownFields into dashboard.Dashboard (types and plain fields);
//   - the SDK's UnmarshalJSONStrict, which refuses unexpected fields and absent required ones at
//     every level the SDK types (the dashboard, panels and rows, templating, links, annotations)
//     and decodes panel options and queries with the registered panel and data source plugins;
//     each panel's fieldConfig, which that pass reads leniently, is decoded strictly on its own.
//
// Queries of data sources the SDK has no types for (Jaeger, VictoriaLogs) are kept as generic
// objects: their fields cannot be checked here.
//
// Usage: dashboard-sdk-check dashboard.json...   Exit status 0 when every file decodes.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, "usage: %s dashboard.json...\n", os.Args[0])
		os.Exit(2)
	}
	// Panel options, field config and queries of the known plugins are decoded by their own types.
	plugins.RegisterDefaultPlugins()
	failed := false
	for _, path := range os.Args[1:] {
		if err := check(path); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			failed = true
			continue
		}
		fmt.Printf("%s: decoded by the Foundation SDK's dashboard types, no unknown fields\n", path)
	}
	if failed {
		os.Exit(1)
	}
}

func check(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.DisallowUnknownFields()
	var plain dashboard.Dashboard
	if err := decoder.Decode(&plain); err != nil {
		return fmt.Errorf("json.Decoder (DisallowUnknownFields): %w", err)
	}
	if _, err := decoder.Token(); err != io.EOF {
		return fmt.Errorf("data after the dashboard object")
	}
	var strict dashboard.Dashboard
	if err := strict.UnmarshalJSONStrict(raw); failed(err) {
		return fmt.Errorf("UnmarshalJSONStrict: %w", err)
	}
	return checkFieldConfigs(raw)
}

// checkFieldConfigs: the SDK's strict Panel decode reads fieldConfig leniently (only its
// plugin-specific defaults.custom strictly), so each panel's fieldConfig is decoded again with
// FieldConfigSource's own strict decoder.
func checkFieldConfigs(raw []byte) error {
	type panel struct {
		Title       string            `json:"title"`
		FieldConfig json.RawMessage   `json:"fieldConfig"`
		Panels      []json.RawMessage `json:"panels"` // a row's collapsed panels
	}
	var doc struct {
		Panels []json.RawMessage `json:"panels"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	var problems []string
	var walk func(path string, raws []json.RawMessage)
	walk = func(path string, raws []json.RawMessage) {
		for i, r := range raws {
			var p panel
			if err := json.Unmarshal(r, &p); err != nil {
				problems = append(problems, fmt.Sprintf("%s[%d]: %v", path, i, err))
				continue
			}
			if p.FieldConfig != nil {
				var source dashboard.FieldConfigSource
				if err := source.UnmarshalJSONStrict(p.FieldConfig); failed(err) {
					problems = append(problems, fmt.Sprintf("%s[%d] (%q).fieldConfig: %v", path, i, p.Title, err))
				}
			}
			walk(fmt.Sprintf("%s[%d].panels", path, i), p.Panels)
		}
	}
	walk("panels", doc.Panels)
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// failed: UnmarshalJSONStrict returns its error list as an error even when the list is empty
// (a nil cog.BuildErrors in a non-nil interface), so an empty list is success.
func failed(err error) bool {
	var list cog.BuildErrors
	if errors.As(err, &list) {
		return len(list) > 0
	}
	return err != nil
}
