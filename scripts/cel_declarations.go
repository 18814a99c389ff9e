//go:build ignore

// Prints the CEL function and macro declarations of the Kubernetes base
// environment (k8s.io/apiserver/pkg/cel/environment, the release this module
// requires) as kubelint/data/cel-declarations.json, for every server minor
// kubelint supports: kubelint's type checker (kubelint/celtypes.py) resolves
// overloads against the declarations of the --kubernetes-version it checks for.
//
//	go run scripts/cel_declarations.go > kubelint/data/cel-declarations.json
//
// (in a Go module that requires k8s.io/apiserver and k8s.io/apimachinery at the target release).
//
// A server of minor N compiles a new expression (a CRD rule, a policy at creation) in the
// NewExpressions environment of its default compatibility version, N-1
// (environment.DefaultCompatibilityVersion: MinCompatibilityVersion of the build's effective
// version, component-base/compatibility/version.go; a constant 1.29 in 1.30's base.go).
// base.go keeps every library's IntroducedVersion/RemovedVersion, so the environment of each
// older compatibility version is MustBaseEnvSet(1.(N-1)).NewExpressionsEnv() of this release.
// Each overload and macro is printed once with the first and last server minor that offers it.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apiserver/pkg/cel/environment"
)

const first, last = 25, 37 // the server minors kubelint supports

func main() {
	type span struct{ since, until int }
	spans := map[string]*span{}
	rows := map[string][]any{}
	for minor := first; minor <= last; minor++ {
		env := environment.MustBaseEnvSet(version.MajorMinor(1, uint(minor-1))).NewExpressionsEnv()
		seen := func(key string, row []any) {
			if s, ok := spans[key]; ok {
				if s.until != minor-1 {
					panic(fmt.Sprintf("%s: offered again after it was removed", key))
				}
				s.until = minor
				return
			}
			spans[key] = &span{minor, minor}
			rows[key] = row
		}
		for n, fn := range env.Functions() {
			for _, o := range fn.OverloadDecls() {
				args := make([]string, 0, len(o.ArgTypes()))
				for _, a := range o.ArgTypes() {
					args = append(args, a.String())
				}
				row := []any{n, o.ID(), o.IsMemberFunction(), strings.Join(args, ", "), o.ResultType().String()}
				key, _ := json.Marshal(row)
				seen("f"+string(key), row)
			}
		}
		for _, m := range env.Macros() {
			row := []any{m.Function(), m.ArgCount(), m.IsReceiverStyle()}
			key, _ := json.Marshal(row)
			seen("m"+string(key), row)
		}
	}
	// cel-go before v0.29 (Kubernetes 1.25..1.36 build with v0.17..v0.26) declares duration(int) in its
	// standard library (common/stdlib/standard.go, overloads.IntToDuration); v0.29 (1.37) no longer does.
	// The only standard-library difference between cel-go v0.17.8 and v0.29.2.
	legacy := []any{"duration", "int64_to_duration", false, "int", "google.protobuf.Duration"}
	lk, _ := json.Marshal(legacy)
	spans["f"+string(lk)], rows["f"+string(lk)] = &span{first, 36}, legacy
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]any{
		"source": "k8s.io/apiserver v0.37.2 (cel-go v0.29.2): for each server minor N in 1.25..1.37, " +
			"environment.MustBaseEnvSet(1.(N-1)).NewExpressionsEnv(), Functions() and Macros(), printed by " +
			"scripts/cel_declarations.go; each row ends with the first and the last server minor offering it",
	}
	var functions, macros [][]any
	for _, k := range keys {
		s := spans[k]
		var until any = s.until
		if s.until == last {
			until = nil
		}
		row := append(append([]any{}, rows[k]...), fmt.Sprintf("1.%d", s.since), until)
		if s.until != last {
			row[len(row)-1] = fmt.Sprintf("1.%d", s.until)
		}
		if k[0] == 'f' {
			functions = append(functions, row)
		} else {
			macros = append(macros, row)
		}
	}
	out["functions"] = functions
	out["macros"] = macros
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	_ = enc.Encode(out)
}
