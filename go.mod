module github.com/leadscore/leadscore

go 1.24

require (
	github.com/expr-lang/expr v1.17.8 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
)
