{{- define "library-only.name" -}}{{ .Chart.Name }}{{- end }}
