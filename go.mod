module github.com/leadscore/leadscore

go 1.24

require (
	github.com/expr-lang/expr v1.17.8
	sigs.k8s.io/yaml v1.6.0
)

require go.yaml.in/yaml/v2 v2.4.2 // indirect
