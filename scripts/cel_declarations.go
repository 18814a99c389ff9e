//go:build ignore

// Prints the CEL function and macro declarations of the Kubernetes base
// environment (k8s.io/apiserver/pkg/cel/environment, the release this module
// requires) as kubelint/data/cel-declarations.json: kubelint's type checker
// (kubelint/celtypes.py) resolves overloads against them.
//
//	go run scripts/cel_declarations.go > kubelint/data/cel-declarations.json
//
// (in a Go module that requires k8s.io/apiserver and k8s.io/apimachinery at the target release).
package main

import (
	"encoding/json"
	"os"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apiserver/pkg/cel/environment"
)

func main() {
	env := environment.MustBaseEnvSet(version.MajorMinor(1, 37)).NewExpressionsEnv()
	fns := env.Functions()
	names := make([]string, 0, len(fns))
	for n := range fns {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string]any{
		"source": "k8s.io/apiserver v0.37.2 (cel-go v0.29.2): environment.MustBaseEnvSet(1.37).NewExpressionsEnv(), " +
			"Functions() and Macros(), printed by scripts/cel_declarations.go",
	}
	var functions [][]any
	for _, n := range names {
		for _, o := range fns[n].OverloadDecls() {
			args := make([]string, 0, len(o.ArgTypes()))
			for _, a := range o.ArgTypes() {
				args = append(args, a.String())
			}
			functions = append(functions, []any{n, o.ID(), o.IsMemberFunction(), strings.Join(args, ", "), o.ResultType().String()})
		}
	}
	out["functions"] = functions
	var macros [][]any
	for _, m := range env.Macros() {
		macros = append(macros, []any{m.Function(), m.ArgCount(), m.IsReceiverStyle()})
	}
	out["macros"] = macros
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	_ = enc.Encode(out)
}
